import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import pino, { type DestinationStream, type LoggerOptions } from 'pino';
import type { FlowgateConfig } from '../config/flowgate-config';
import { runInRequestContext } from '../http/request-context';
import { loggerParams } from './logging';
import { activateTracing } from './tracing/trace-context';

/**
 * The ids the mixin stamps on every line: the request id while a request is served, the trace and
 * span ids while a span is in progress (API requests and worker jobs alike: both log through
 * `loggerParams`). A span context is made active by hand: no tracer provider is needed to read one.
 */
describe('loggerParams mixin', () => {
  const config = { log: { level: 'info' }, app: { serviceName: 'flowgate-spec' } } as FlowgateConfig;
  const spanContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };
  let lines: Record<string, unknown>[];
  let logger: pino.Logger;

  beforeEach(() => {
    lines = [];
    const destination: DestinationStream = { write: (line: string) => lines.push(JSON.parse(line)) };
    const [options] = loggerParams(config, destination).pinoHttp as [LoggerOptions, DestinationStream];
    logger = pino(options, destination);
  });

  const inSpanContext = (work: () => void, flags = TraceFlags.SAMPLED) =>
    context.with(trace.setSpan(context.active(), trace.wrapSpanContext({ ...spanContext, traceFlags: flags })), work);
  const request = { requestId: 'req-1', clientIp: undefined, userAgent: undefined };

  it("logs a failed statement's error without the values it was bound to", () => {
    const driverError = Object.assign(new Error('duplicate key value'), { code: '23505' });
    const failure = Object.assign(new Error('duplicate key value'), {
      query: 'INSERT INTO notes VALUES ($1)',
      parameters: ['personal data'],
      driverError,
    });
    logger.warn({ err: failure }, 'Query failed');
    expect(lines[0].err).toMatchObject({ message: 'duplicate key value', query: 'INSERT INTO notes VALUES ($1)' });
    expect(lines[0].err).toMatchObject({ driverError: { code: '23505' } });
    expect(JSON.stringify(lines[0])).not.toContain('personal data');
  });

  it('stamps the request id only, and no trace members, while tracing is off', () => {
    runInRequestContext(request, () => logger.info('served'));
    expect(lines[0]).toMatchObject({ requestId: 'req-1', msg: 'served' });
    expect(lines[0]).not.toHaveProperty('traceId');
    expect(lines[0]).not.toHaveProperty('spanId');
  });

  describe('with tracing on', () => {
    let manager: AsyncLocalStorageContextManager;
    beforeAll(() => {
      manager = new AsyncLocalStorageContextManager().enable();
      context.setGlobalContextManager(manager);
      activateTracing(true);
    });
    afterAll(() => {
      activateTracing(false);
      context.disable();
    });

    it('stamps the trace and span ids beside the request id', () => {
      runInRequestContext(request, () => inSpanContext(() => logger.info('served')));
      expect(lines[0]).toMatchObject({ requestId: 'req-1', traceId: spanContext.traceId, spanId: spanContext.spanId });
    });

    it('stamps them on a line outside any request (a worker job in its span)', () => {
      inSpanContext(() => logger.warn('job failed'));
      expect(lines[0]).toMatchObject({ traceId: spanContext.traceId, spanId: spanContext.spanId, msg: 'job failed' });
      expect(lines[0]).not.toHaveProperty('requestId');
    });

    it('stamps an unsampled trace too: its id still ties the lines of one request together', () => {
      inSpanContext(() => logger.info('served'), TraceFlags.NONE);
      expect(lines[0]).toMatchObject({ traceId: spanContext.traceId });
    });

    it('stamps nothing when no span is in progress', () => {
      logger.info('idle');
      expect(lines[0]).not.toHaveProperty('traceId');
    });
  });
});
