import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { RequestShapeGuard } from './request-shape.guard';

/**
 * The request-shape guard (unknown query parameters, bodies where none is taken). Exported, not
 * registered as a global guard here: it must run after authentication, authorization and rate
 * limits, and the app module's one list of global guards says so.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [RequestShapeGuard],
  exports: [RequestShapeGuard],
})
export class RequestShapeModule {}
