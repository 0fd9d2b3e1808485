import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { RedisConnection } from './redis-connection';

@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly connection: RedisConnection,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key: string, timeoutMs: number): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    try {
      await this.connection.ping(timeoutMs);
      return indicator.up({ mode: this.connection.mode });
    } catch {
      return indicator.down({ mode: this.connection.mode });
    }
  }
}
