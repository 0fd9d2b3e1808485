import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The request and reply every guard, interceptor, filter and controller sees. The API runs on
 * Nest's Fastify adapter (ADR 0011); naming the types once keeps the choice in one place.
 */
export type HttpRequest = FastifyRequest;
export type HttpReply = FastifyReply;

/** The path without the query string: what problem `instance` members and logs quote. */
export function pathOf(request: HttpRequest): string {
  const url = request.originalUrl ?? request.url ?? '/';
  const queryStart = url.indexOf('?');
  return queryStart === -1 ? url : url.slice(0, queryStart);
}
