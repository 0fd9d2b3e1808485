import { Controller, Get, Header, UseGuards, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { Metrics } from './metrics';
import { ExemptFromRateLimits } from '../http/rate-limit.decorators';
import { Public } from '../http/public.decorator';
import { ApiProblemResponses, problemResponseObject } from '../openapi/api-problem-responses.decorator';
import { MetricsScrapeGuard } from './metrics-scrape.guard';

/**
 * `/metrics` on the main port: registered only when METRICS_ON_MAIN_PORT is on (the default outside
 * production). Production scrapes the metrics port instead (`MetricsServer`).
 */
@Public()
@ExemptFromRateLimits()
@UseGuards(MetricsScrapeGuard)
@ApiTags('Operations')
@Controller({ path: 'metrics', version: VERSION_NEUTRAL })
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiOperation({
    summary: 'Prometheus metrics',
    description:
      'Text exposition format for scraping. Served on this port in development and test; in production ' +
      'only with `METRICS_ON_MAIN_PORT=true` (404 otherwise), since Prometheus scrapes the separate ' +
      '`METRICS_PORT` (9464) there. With `METRICS_BEARER_TOKEN` set, requires `Authorization: Bearer ' +
      '<that token>` (not an access token), 401 without it.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'Metrics in the Prometheus text format.',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiProblemResponses()
  @ApiResponse({
    status: 401,
    ...problemResponseObject(401),
    description: 'Problem details (`unauthenticated`, `invalid_token`): the metrics token is missing or wrong.',
  })
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
