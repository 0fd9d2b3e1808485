import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** Printable, header- and log-safe, and short: anything else from a client is replaced. */
const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function resolveRequestId(candidate: string | string[] | undefined): string {
  const value = Array.isArray(candidate) ? candidate[0] : candidate;
  return value !== undefined && WELL_FORMED_REQUEST_ID.test(value) ? value : randomUUID();
}

/**
 * Gives the request its id and puts it on the response, once. Both the logger and the request
 * context middleware call this, so whichever runs first wins and the two always agree.
 */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  if (typeof req.id === 'string') return req.id;
  const id = resolveRequestId(req.headers['x-request-id']);
  req.id = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

export function requestIdOf(req: IncomingMessage): string {
  return typeof req.id === 'string' ? req.id : 'unknown';
}
