import type { Request, Response } from 'express';
import type { Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import type { FlowgateConfig } from '../config/flowgate-config';
import { assignRequestId } from '../http/request-id';
import { routeTemplateOf } from './route-template';

/**
 * nestjs-pino options: one JSON line per request with request id, method, path, route template,
 * status and latency. Headers and bodies are never serialised, so tokens and personal data
 * cannot reach the logs by accident.
 */
export function loggerParams(config: FlowgateConfig, destination?: DestinationStream): Params {
  const options: Options = {
    level: config.log.level,
    base: { service: config.app.serviceName },
    genReqId: (req, res) => assignRequestId(req, res),
    customAttributeKeys: { reqId: 'requestId', responseTime: 'latencyMs' },
    quietReqLogger: true,
    serializers: {
      req: (req: { method?: string; raw?: Request }) => ({
        method: req.method,
        path: req.raw?.originalUrl?.split('?')[0],
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    customSuccessObject: (req, res, value: Record<string, unknown>) => ({
      ...value,
      route: routeTemplateOf(req as Request),
      status: (res as Response).statusCode,
    }),
    customErrorObject: (req, res, _error, value: Record<string, unknown>) => ({
      ...value,
      route: routeTemplateOf(req as Request),
      status: (res as Response).statusCode,
    }),
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
  };
  return { pinoHttp: destination ? [options, destination] : options };
}
