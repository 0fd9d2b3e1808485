import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { AllowedMethods } from './allowed-methods';
import { GracefulShutdown } from './graceful-shutdown';
import { InFlightRequests } from './in-flight-requests';
import { ProblemResponder } from './problem-responder';
import { ProblemValidationPipe } from './validation/problem-validation.pipe';

/** The global filter and pipe, registered as providers so any app built from the app module
 * (production or test) runs exactly this pipeline; `createHttpApp` adds the Fastify hooks. */
@Global()
@Module({
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
