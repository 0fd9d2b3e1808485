import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import type { HttpReply, HttpRequest } from '../../http/http-types';
import { routeTemplateOf } from '../route-template';
import type { TraceContextTrustPolicy } from './trace-context-trust';
import { currentTraceId, FLOWGATE_TRACER, tracingActive } from './trace-context';

/**
 * W3C Trace Context Level 2's response header: `00-<trace id>-<server span id>-<flags>`. The
 * caller (a browser app, support staff reading a HAR file) gets the id that finds this request's
 * trace, whether or not it sent a `traceparent`, and whether or not we trusted it.
 */
export const TRACE_RESPONSE_HEADER = 'traceresponse';

/** The attribute naming the problem a request was answered with (`code` of the problem body). */
export const ATTR_PROBLEM_CODE = 'flowgate.problem.code';

/** Probes and scrapes: every few seconds from every replica, nothing an investigation needs. */
const UNTRACED_ROUTES = new Set(['/health/live', '/health/ready', '/metrics']);

const serverSpans = new WeakMap<object, Span>();

/**
 * Runs `work` (the rest of the request: parsing, guards, handler) inside the request's server
 * span; directly when tracing is off or the route is a probe.
 */
export function inServerSpan<T>(
  request: HttpRequest,
  reply: HttpReply,
  trust: TraceContextTrustPolicy,
  work: () => T,
): T {
  const traced = startServerSpan(request, reply, trust);
  return traced ? context.with(traced, work) : work();
}

/**
 * Starts the request's server span (OpenTelemetry HTTP semantic conventions) and returns the
 * context the rest of the request runs in; undefined when tracing is off or the route is a probe.
 * A trusted caller's `traceparent` is the parent; an untrusted one's becomes a link of a new
 * trace, so the caller can still be found from ours but can neither choose our trace id nor force
 * recording. The span ends when the response does (or the connection closes first).
 */
function startServerSpan(request: HttpRequest, reply: HttpReply, trust: TraceContextTrustPolicy): Context | undefined {
  if (!tracingActive()) return undefined;
  const route = routeTemplateOf(request);
  if (UNTRACED_ROUTES.has(route)) return undefined;

  const incoming = propagation.extract(ROOT_CONTEXT, request.headers);
  const callerSpan = trace.getSpanContext(incoming);
  const trusted = trust.trusts(request.raw.socket?.remoteAddress);
  const parent = trusted ? incoming : ROOT_CONTEXT;
  const links: Link[] =
    !trusted && callerSpan && isSpanContextValid(callerSpan)
      ? [{ context: callerSpan, attributes: { 'flowgate.link': 'untrusted caller' } }]
      : [];
  const matched = route !== '<unmatched>';
  const span = trace.getTracer(FLOWGATE_TRACER).startSpan(
    matched ? `${request.method} ${route}` : request.method,
    {
      kind: SpanKind.SERVER,
      links,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: request.method,
        [ATTR_URL_PATH]: request.url.split('?')[0],
        [ATTR_URL_SCHEME]: request.protocol,
        [ATTR_CLIENT_ADDRESS]: request.ip,
        [ATTR_NETWORK_PEER_ADDRESS]: request.raw.socket?.remoteAddress,
        'flowgate.request.id': request.id,
        ...(matched ? { [ATTR_HTTP_ROUTE]: route } : {}),
      },
    },
    parent,
  );
  serverSpans.set(request.raw, span);
  const { traceId, spanId, traceFlags } = span.spanContext();
  reply.header(TRACE_RESPONSE_HEADER, `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`);
  reply.raw.once('close', () => endServerSpan(span, reply));
  return trace.setSpan(parent, span);
}

/**
 * Records on the request's server span the problem it is answered with: the problem's `code`
 * always, and for a 5xx the error that caused it. A 4xx is the caller's mistake, not a failure of
 * the server: per the semantic conventions its status stays unset (`endServerSpan`).
 */
export function recordProblemOnServerSpan(request: HttpRequest, code: string, status: number, cause?: unknown): void {
  const span = serverSpans.get(request.raw);
  if (!span) return;
  span.setAttribute(ATTR_PROBLEM_CODE, code);
  if (status >= 500 && cause instanceof Error) span.recordException(cause);
}

/**
 * The trace id a request's answer names: its server span's, which holds wherever the answer is
 * written (the error handler, the request timeout's timer), else the active span's.
 */
export function traceIdOfRequest(request: HttpRequest): string | undefined {
  return serverSpans.get(request.raw)?.spanContext().traceId ?? currentTraceId();
}

/**
 * The trace and span ids of the request's server span, for its access-log line: that line is
 * written when the response finishes, in whatever context sent it (the request timeout's timer
 * runs outside the span), so the active span cannot be relied on. Undefined while tracing is off
 * (nothing looked up) and for untraced routes.
 */
export function serverSpanIdsOf(request: HttpRequest): { traceId: string; spanId: string } | undefined {
  if (!tracingActive()) return undefined;
  const spanContext = serverSpans.get(request.raw)?.spanContext();
  return spanContext ? { traceId: spanContext.traceId, spanId: spanContext.spanId } : undefined;
}

function endServerSpan(span: Span, reply: HttpReply): void {
  const status = reply.statusCode;
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  if (!reply.raw.writableFinished) {
    span.setAttribute(ATTR_ERROR_TYPE, 'connection closed');
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'the connection closed before the response was sent' });
  } else if (status >= 500) {
    span.setAttribute(ATTR_ERROR_TYPE, String(status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}
