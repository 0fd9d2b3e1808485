import { ArgumentsHost, Catch, ExceptionFilter, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { DatabaseAvailability } from '../database/database-availability';
import { isDatabaseUnavailability } from '../database/database-unavailability';
import { exceptionToAppError } from './exception-to-app-error';
import type { HttpReply, HttpRequest } from './http-types';
import { AllowedMethods } from './allowed-methods';
import { ProblemResponder } from './problem-responder';
import { requestIdOf } from './request-id';

/**
 * The single place where errors become HTTP responses: everything thrown in guards, pipes,
 * handlers and interceptors, Nest's own 404 and Fastify's body-parsing errors arrive here and leave as
 * `application/problem+json`.
 */
@Catch()
@Injectable()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(
    private readonly responder: ProblemResponder,
    private readonly allowedMethods: AllowedMethods,
    private readonly database: DatabaseAvailability,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(AllExceptionsFilter.name);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<HttpRequest>();
    const res = host.switchToHttp().getResponse<HttpReply>();
    const error = exceptionToAppError(exception, req, (path) => this.allowedMethods.for(path));

    if (error.status === 500) {
      // The client sees only the request id; the cause goes to the logs under that id.
      this.logger.error({ err: error.cause ?? error, requestId: requestIdOf(req) }, 'Unhandled error');
    } else if (error.code === 'dependency_unavailable' && isDatabaseUnavailability(error.cause)) {
      // Every request fails while PostgreSQL is away: logged once per outage, not per request.
      this.database.reportUnavailable(error.cause);
    } else if (error.status > 500 && error.cause) {
      // A dependency problem (e.g. an identity provider's keys unreachable): the client gets a
      // clean 503, operators need the underlying error.
      this.logger.warn({ err: error.cause, requestId: requestIdOf(req), code: error.code }, 'Dependency failure');
    }
    if (res.sent) {
      // Typically a handler finishing after the request timeout already answered.
      this.logger.warn({ requestId: requestIdOf(req), code: error.code }, 'Error after the response was sent');
      return;
    }
    this.responder.send(req, res, error);
  }
}
