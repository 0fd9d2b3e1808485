import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { RequestShapeGuard } from './request-shape.guard';

/**
 * The request-shape guard (unknown query parameters, bodies where none is taken). Global guards
 * run in the order their modules are imported, and this one must run after authentication,
 * authorization and rate limits: the app module imports it last, not `CoreModule`.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [{ provide: APP_GUARD, useClass: RequestShapeGuard }],
})
export class RequestShapeModule {}
