import type { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppError } from '../errors/app-error';
import { AllowedMethods } from './allowed-methods';
import { DEFAULT_CACHE_CONTROL } from './cache-control';
import { etagOf, ifNoneMatchMatches } from './etag';
import { FlowgateConfig } from '../config/flowgate-config';
import { inServerSpan } from '../observability/tracing/server-span';
import { TraceContextTrustPolicy } from '../observability/tracing/trace-context-trust';
import { refuseOnArrival } from './framework-errors';
import type { HttpReply } from './http-types';
import { inputHazardRefusal } from './input-hazards';
import { InFlightRequests } from './in-flight-requests';
import { ProblemResponder } from './problem-responder';
import { RequestContext, runInRequestContext } from './request-context';
import { REQUEST_ID_HEADER } from './request-id';
import { rememberPublicBaseUrl } from './request-url.decorator';
import { securityHeaders } from './security-headers';

export interface HttpHookDependencies {
  readonly config: FlowgateConfig;
  readonly allowedMethods: AllowedMethods;
  readonly inFlight: InFlightRequests;
  readonly responder: ProblemResponder;
}

/**
 * What every request goes through before routing reaches Nest, matched route or not (so a 404
 * carries `X-Request-Id` and the security headers too). Fastify hooks rather than Nest
 * middleware: hooks cost a function call, middleware a trip through `@fastify/middie`.
 *
 * The first step is the adapter's own first `onRequest` hook (`setOnRequestHook`), ahead of the
 * CORS hook the adapter adds in its constructor: a preflight answer carries the request id and
 * security headers too, and an `OPTIONS` that is no preflight is ours to answer, not the CORS
 * plugin's bare `400 Invalid Preflight Request`.
 */
export function installHttpHooks(adapter: FastifyAdapter, deps: HttpHookDependencies): void {
  const fastify = adapter.getInstance();
  const headers = securityHeaders();
  const timeoutMs = deps.config.http.requestTimeoutMs;
  const publicBaseUrl = deps.config.http.publicBaseUrl;
  const traceTrust = new TraceContextTrustPolicy(deps.config.tracing.trustIncoming);

  adapter.setOnRequestHook((request, reply, done) => {
    reply.headers(headers);
    reply.header(REQUEST_ID_HEADER, request.id);
    rememberPublicBaseUrl(request, publicBaseUrl);
    deps.inFlight.track(reply.raw);
    armTimeout(reply, timeoutMs, () => {
      // `sent` is false until a streamed body ends (an export streams for minutes): once the
      // headers are out the answer is under way and no 503 can follow; the per-batch statement
      // timeout still bounds the database's work.
      if (reply.sent || reply.raw.headersSent) return;
      deps.responder.send(
        request,
        reply,
        new AppError('request_timeout', `The request did not complete within ${timeoutMs} ms.`, {
          headers: { Connection: 'close' },
        }),
      );
    });
    const context: RequestContext = {
      requestId: request.id,
      clientIp: request.ip,
      userAgent: request.headers['user-agent']?.slice(0, 512),
    };
    // Everything after this hook (body parsing, guards, handler) runs inside the context. Fastify
    // 5 carries it across the body read itself (its parser runs in an AsyncResource of the
    // request); the error-contract test sends a body after the headers to keep that true.
    // A request refused here (repeated headers, empty path segments, OPTIONS that is no
    // preflight) goes straight to the error handler, before the CORS hook and the body
    // (`refuseOnArrival`).
    const refused = refuseOnArrival(request, (path) => deps.allowedMethods.for(path));
    // With tracing on, in the request's server span (ADR 0026): one trace per request.
    inServerSpan(request, reply, traceTrust, () => runInRequestContext(context, () => done(refused)));
  });

  // After parsing and routing (so body, query and path parameters are known), before any guard
  // or handler: nothing after this point, audited denials included, meets text the database
  // cannot store or a member name that reaches a prototype (`input-hazards.ts`).
  fastify.addHook('preValidation', (request, _reply, done) => {
    done(inputHazardRefusal(request));
  });

  // Resources carry their version on the body (`withETag`); it leaves as a strong ETag. A hook
  // rather than a global interceptor: a route without interceptors skips Nest's RxJS chain.
  fastify.addHook('preSerialization', (_request, reply, payload, done) => {
    const etag = etagOf(payload);
    if (etag) reply.header('ETag', etag);
    done(null, payload);
  });

  // After serialisation, whatever produced the ETag (the hook above, a replayed answer): a
  // conditional GET whose tag still matches gets 304 without a body (RFC 9110 §13.1.2, §15.4.5),
  // after the guards and the handler ran, so it says nothing the caller could not read. Successful
  // GETs that declare no `Cache-Control` (`@CacheControl()`) are never stored.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return done(null, payload);
    const status = reply.statusCode;
    if (status < 200 || status > 299) return done(null, payload);
    if (!reply.hasHeader('cache-control')) reply.header('Cache-Control', DEFAULT_CACHE_CONTROL);
    const etag = reply.getHeader('etag');
    if (status !== 200 || typeof etag !== 'string' || !ifNoneMatchMatches(request.headers['if-none-match'], etag)) {
      return done(null, payload);
    }
    reply.code(304);
    reply.removeHeader('content-type');
    reply.removeHeader('content-length');
    // HEAD: Fastify's own HEAD hook, after this one, measures the payload and drops it.
    done(null, request.method === 'HEAD' ? payload : undefined);
  });
}

/** The handler is not cancelled (Node cannot do that); a late answer is dropped by the filter.
 * Database statements have their own timeout, which is what actually frees resources. */
function armTimeout(reply: HttpReply, timeoutMs: number, onTimeout: () => void): void {
  const timer = setTimeout(onTimeout, timeoutMs);
  reply.raw.once('close', () => clearTimeout(timer));
}
