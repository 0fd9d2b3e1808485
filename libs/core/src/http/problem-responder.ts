import { Injectable } from '@nestjs/common';
import { AppError } from '../errors/app-error';
import { toProblemDetails } from '../errors/problem-details';
import { recordProblemOnServerSpan, traceIdOfRequest } from '../observability/tracing/server-span';
import { HttpReply, HttpRequest, pathOf } from './http-types';
import { requestIdOf } from './request-id';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Writes an application error as an RFC 9457 response. Shared by the exception filter, the
 * Fastify error handler (body parsing) and the request timeout, which answer outside Nest. The
 * trace id is the request's server span's (the one its `traceresponse` header names). */
@Injectable()
export class ProblemResponder {
  send(request: HttpRequest, reply: HttpReply, error: AppError): void {
    const problem = toProblemDetails(error, {
      instance: pathOf(request),
      requestId: requestIdOf(request),
      traceId: traceIdOfRequest(request),
    });
    recordProblemOnServerSpan(request, problem.code, problem.status, error.cause ?? error);
    reply.headers(error.headers);
    // Errors are about this request at this moment; caches and proxies must not reuse them.
    reply.header('Cache-Control', 'no-store');
    reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }
}
