import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { DatabaseModule } from '../database/database.module';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { AllowedMethods } from './allowed-methods';
import { GracefulShutdown } from './graceful-shutdown';
import { InFlightRequests } from './in-flight-requests';
import { ProblemResponder } from './problem-responder';
import { ProblemValidationPipe } from './validation/problem-validation.pipe';

/** The global filter and pipe, registered as providers so any app built from the app module
 * (production or test) runs exactly this pipeline; `createHttpApp` adds the Fastify hooks. One of
 * each, so their order cannot matter; the global guards are listed in order by the app module.
 * Imported once, by `CoreModule`. */
@Module({
  // The filter answers 503 for a request that found PostgreSQL unreachable.
  imports: [DatabaseModule],
  providers: [
    ProblemResponder,
    AllowedMethods,
    InFlightRequests,
    GracefulShutdown,
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    { provide: APP_PIPE, useClass: ProblemValidationPipe },
  ],
  exports: [ProblemResponder, InFlightRequests, AllowedMethods],
})
export class HttpPipelineModule {}
