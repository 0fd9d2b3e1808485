import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { context, trace } from '@opentelemetry/api';

type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Runs every request the server receives inside a span of its own, as a server span would, and
 * returns the function that undoes it. For specs of what reads the active trace (log lines,
 * problems, audit events): they then hold whatever makes the server span. The span is only as
 * real as the registered tracer provider (`startInMemoryTracing`); with none, nothing is traced.
 */
export function traceEveryRequest(server: Server): () => void {
  const listeners = server.listeners('request') as RequestListener[];
  const traced: RequestListener = (request, response) => {
    const span = trace.getTracer('flowgate-test').startSpan(`test ${request.method ?? 'request'}`);
    response.once('close', () => span.end());
    context.with(trace.setSpan(context.active(), span), () => {
      for (const listener of listeners) listener.call(server, request, response);
    });
  };
  server.removeAllListeners('request');
  server.on('request', traced);
  return () => {
    server.off('request', traced);
    for (const listener of listeners) server.on('request', listener);
  };
}
