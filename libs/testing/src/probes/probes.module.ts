import { Module } from '@nestjs/common';
import { IdempotencyProbeController } from './idempotency-probe.controller';
import { ProbesController } from './probes.controller';
import { RateLimitProbeController } from './rate-limit-probe.controller';

@Module({ controllers: [ProbesController, IdempotencyProbeController, RateLimitProbeController] })
export class ProbesModule {}
