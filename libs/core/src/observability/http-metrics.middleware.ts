import { Injectable, NestMiddleware } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Metrics } from './metrics';
import { routeTemplateOf } from './route-template';

/** Times every request, including 404s and errors raised before a handler runs. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: Metrics) {}

  use(req: Request, res: Response, next: () => void): void {
    const stopTimer = this.metrics.httpRequestDuration.startTimer();
    res.once('finish', () => {
      stopTimer({ method: req.method, route: routeTemplateOf(req), status_code: String(res.statusCode) });
    });
    next();
  }
}
