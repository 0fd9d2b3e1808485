import type { FastifyError } from 'fastify';
import { AppError } from '../errors/app-error';
import type { HttpReply, HttpRequest } from './http-types';
import { pathOf } from './http-types';
import { ProblemResponder } from './problem-responder';
import { REQUEST_ID_HEADER } from './request-id';
import { securityHeaders } from './security-headers';

/**
 * Fastify's `frameworkErrors`: what Fastify refuses while routing, before any hook or Nest code
 * runs (a path that is not valid percent-encoding, a path segment over the router's limit). Left
 * to Fastify these would be bare `application/json`; here they get the same problem response,
 * request id and security headers as everything else.
 */
export function answerFrameworkError(error: FastifyError, request: HttpRequest, reply: HttpReply): void {
  reply.headers(securityHeaders());
  reply.header(REQUEST_ID_HEADER, request.id);
  new ProblemResponder().send(request, reply, toAppError(error, request));
}

function toAppError(error: FastifyError, request: HttpRequest): AppError {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return new AppError('malformed_request', 'The request path is not valid percent-encoding.', { cause: error });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      // Ids and keys are far shorter: nothing lives at such a path.
      return new AppError('not_found', `There is nothing at ${request.method} ${pathOf(request)}.`, { cause: error });
    default:
      return new AppError('internal_error', 'Internal error', { cause: error });
  }
}
