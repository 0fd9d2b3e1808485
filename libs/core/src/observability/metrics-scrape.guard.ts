import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { FlowgateConfig } from '../config/flowgate-config';
import type { HttpRequest } from '../http/http-types';
import { metricsScrapeRefusal } from './metrics-access';

/** The main port's `/metrics` asks for METRICS_BEARER_TOKEN, when one is set, like the metrics port. */
@Injectable()
export class MetricsScrapeGuard implements CanActivate {
  constructor(private readonly config: FlowgateConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<HttpRequest>();
    const refusal = metricsScrapeRefusal(this.config.metrics.bearerToken, req.headers.authorization);
    if (refusal) throw refusal;
    return true;
  }
}
