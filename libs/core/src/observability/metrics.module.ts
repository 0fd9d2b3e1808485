import { Module } from '@nestjs/common';
import { DegradedModes } from './degraded-modes';
import { Metrics } from './metrics';

/**
 * What an instance reports about itself, fed by any module: the Prometheus registry (`Metrics`,
 * one per app) and the degraded modes readiness lists (`DegradedModes`). A module imports it when
 * one of its providers registers a metric or falls back to a degraded mode.
 */
@Module({
  providers: [Metrics, DegradedModes],
  exports: [Metrics, DegradedModes],
})
export class MetricsModule {}
