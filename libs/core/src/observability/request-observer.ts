import type { FastifyInstance } from 'fastify';
import type { PinoLogger } from 'nestjs-pino';
import { pathOf } from '../http/http-types';
import { Metrics } from './metrics';
import { routeTemplateOf } from './route-template';
import { serverSpanIdsOf } from './tracing/server-span';

/**
 * One access-log line and one latency observation per request, 404s and errors raised before a
 * handler included. The line carries id, caller (the user id, once authentication has run),
 * method, path, route template, status and latency, and while tracing is on the ids of the
 * request's server span (the same trace id as its problem, however the response was sent);
 * headers and bodies are never logged, so tokens and personal data cannot reach the logs.
 */
export function observeRequests(fastify: FastifyInstance, metrics: Metrics, logger: PinoLogger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = routeTemplateOf(request);
    const status = reply.statusCode;
    const latencyMs = reply.elapsedTime;
    metrics.httpRequestDuration.observe(
      { method: request.method, route, status_code: String(status) },
      latencyMs / 1000,
    );
    const level = status >= 500 ? 'error' : 'info';
    if (logger.logger.isLevelEnabled(level)) {
      const line = {
        requestId: request.id,
        userId: userIdOf(request),
        req: { method: request.method, path: pathOf(request) },
        route,
        status,
        latencyMs,
      };
      // Ids given here win over the logger mixin's, which reads whatever span is active now.
      const spanIds = serverSpanIdsOf(request);
      logger[level](spanIds ? Object.assign(line, spanIds) : line, 'request completed');
    }
    done();
  });
}

/** The authenticated caller's user id (set on the request by the authentication guard), if any. */
function userIdOf(request: object): string | undefined {
  const user = (request as { user?: { userId?: unknown } }).user;
  return typeof user?.userId === 'string' ? user.userId : undefined;
}
