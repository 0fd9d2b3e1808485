import type { Params } from 'nestjs-pino';
import pino, { type DestinationStream, type LoggerOptions } from 'pino';
import type { FlowgateConfig } from '../config/flowgate-config';
import { currentRequestContext } from '../http/request-context';
import { stdoutLogDestination } from './log-destination';
import { currentTraceIds } from './tracing/trace-context';

/**
 * nestjs-pino options. Every line logged while a request is served carries its `requestId`,
 * taken from the request context by a pino mixin rather than from a per-request child logger: on
 * Fastify, nestjs-pino's request binding is Nest middleware run through middie, and a child logger
 * per request costs more than a lookup. So nestjs-pino's middleware is switched off
 * (`forRoutes: []`) and the access log is written by `observeRequests`. Headers and bodies are
 * never serialised. Without a destination (tests pass one), lines go to stdout in blocks
 * (`stdoutLogDestination`).
 *
 * While a span is in progress (tracing on), lines also carry its `traceId` and `spanId`, so a
 * request id or a trace id from a problem leads to the same lines, and to the trace. With tracing
 * off `currentTraceIds` returns at once: nothing is looked up.
 */
export function loggerParams(config: FlowgateConfig, destination?: DestinationStream): Params {
  const options: LoggerOptions = {
    level: config.log.level,
    base: { service: config.app.serviceName },
    // pino-http hands a `req` serializer its own summary (with headers) and the logged value as
    // `raw`; only the method and path of the access log's value leave.
    serializers: {
      req: (req: { method?: string; raw?: { path?: string } }) => ({ method: req.method, path: req.raw?.path }),
      err: withoutBoundValues,
    },
    mixin: () => {
      const context = currentRequestContext();
      const ids = currentTraceIds();
      if (!ids) return context ? { requestId: context.requestId } : {};
      return context ? { requestId: context.requestId, ...ids } : ids;
    },
  };
  return { pinoHttp: [options, destination ?? stdoutLogDestination()], useExisting: true, forRoutes: [] };
}

/**
 * pino's error serializer, without the values a failed statement was bound to: TypeORM's
 * `QueryFailedError` carries them as `parameters` (an idempotency record's stored body, a user's
 * name), and the line would carry them to the log store. The statement's text and the driver's
 * error stay.
 */
function withoutBoundValues(error: Error): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  const { parameters: _parameters, ...rest } = serialized;
  const driverError = rest.driverError as Record<string, unknown> | undefined;
  if (driverError && typeof driverError === 'object' && 'parameters' in driverError) {
    const { parameters: _nested, ...driverRest } = driverError;
    rest.driverError = driverRest;
  }
  return rest;
}
