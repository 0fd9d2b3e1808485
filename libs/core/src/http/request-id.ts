import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { HttpRequest } from './http-types';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Printable, header- and log-safe, and short: anything else from a client is replaced. */
const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function resolveRequestId(candidate: string | string[] | undefined): string {
  const value = Array.isArray(candidate) ? candidate[0] : candidate;
  return value !== undefined && WELL_FORMED_REQUEST_ID.test(value) ? value : randomUUID();
}

/** Fastify's `genReqId`: the client's well-formed `X-Request-Id`, else a new UUID. Fastify calls
 * it once per request and exposes the result as `request.id`. */
export function requestIdFor(raw: IncomingMessage): string {
  return resolveRequestId(raw.headers['x-request-id']);
}

export function requestIdOf(request: HttpRequest): string {
  return typeof request.id === 'string' ? request.id : 'unknown';
}
