import { Module } from '@nestjs/common';
import { ProbesController } from './probes.controller';

@Module({ controllers: [ProbesController] })
export class ProbesModule {}
