import { Module } from '@nestjs/common';
import { IdempotencyProbeController } from './idempotency-probe.controller';
import { ProbesController } from './probes.controller';

@Module({ controllers: [ProbesController, IdempotencyProbeController] })
export class ProbesModule {}
