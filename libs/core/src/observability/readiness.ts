import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { AppError } from '../errors/app-error';
import { InFlightRequests } from '../http/in-flight-requests';
import { RedisHealthIndicator } from '../redis/redis-health.indicator';
import type { ReadinessDto } from './readiness.dto';

const CHECK_TIMEOUT_MS = 1_500;

/**
 * Readiness: can this instance serve traffic now? It cannot while PostgreSQL or Redis is
 * unreachable, nor while it drains for shutdown. The answer names dependencies and states only;
 * error messages (addresses, ports) stay in the logs, since the endpoint is public.
 */
@Injectable()
export class Readiness {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly inFlight: InFlightRequests,
  ) {}

  async check(): Promise<ReadinessDto> {
    if (this.inFlight.isDraining) throw new AppError('dependency_unavailable', 'This instance is shutting down.');
    try {
      return { status: 'ok', checks: statesOf(await this.runChecks()) };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const checks = statesOf(error.getResponse() as HealthCheckResult);
      const down = Object.keys(checks).filter((name) => checks[name] === 'down');
      throw new AppError('dependency_unavailable', `Not ready: ${down.join(' and ')} unavailable.`, {
        extensions: { checks },
      });
    }
  }

  private runChecks(): Promise<HealthCheckResult> {
    return this.health.check([
      () => this.database.pingCheck('database', { timeout: CHECK_TIMEOUT_MS }),
      () => this.redis.check('redis', CHECK_TIMEOUT_MS),
    ]);
  }
}

function statesOf(result: HealthCheckResult): Record<string, 'up' | 'down'> {
  return Object.fromEntries(
    Object.entries(result.details).map(([name, detail]) => [name, detail.status === 'up' ? 'up' : 'down']),
  );
}
