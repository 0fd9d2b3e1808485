import { Module } from '@nestjs/common';
import { DatabaseModule } from '@flowgate/core';
import { TrafficModule } from '@flowgate/traffic';
import { IdempotencyProbeController } from './idempotency-probe.controller';
import { ProbesController } from './probes.controller';
import { RateLimitProbeController } from './rate-limit-probe.controller';

@Module({
  // The idempotency probe writes through the unit of work, under `@Idempotent()`.
  imports: [DatabaseModule, TrafficModule],
  controllers: [ProbesController, IdempotencyProbeController, RateLimitProbeController],
})
export class ProbesModule {}
