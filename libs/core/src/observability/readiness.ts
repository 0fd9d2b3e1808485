import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ReadReplica } from '../database/read-replica';
import { AppError } from '../errors/app-error';
import { InFlightRequests } from '../http/in-flight-requests';
import { RedisHealthIndicator } from '../redis/redis-health.indicator';
import { DegradedModes } from './degraded-modes';
import type { ReadinessDto } from './readiness.dto';

const CHECK_TIMEOUT_MS = 1_500;

/**
 * Readiness: can this instance serve traffic now? Not while PostgreSQL is unreachable (every
 * request needs it), nor while it drains for shutdown. Redis is a soft dependency: without it the
 * instance serves in a degraded way (rate limits per instance, no shared caches, idempotency
 * guarded by PostgreSQL alone), and taking every replica out of the load balancer because Redis
 * blinked would turn a degradation into an outage. The read replica (when configured, ADR 29) is
 * soft too: the primary answers its reads meanwhile (`databaseReplica: down`, degraded mode
 * `auditReads`). The answer names dependencies and states only;
 * error messages (addresses, ports) stay in the logs, since the endpoint is public.
 */
@Injectable()
export class Readiness {
  constructor(
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly inFlight: InFlightRequests,
    private readonly degraded: DegradedModes,
    private readonly replica: ReadReplica,
  ) {}

  async check(): Promise<ReadinessDto> {
    if (this.inFlight.isDraining) throw new AppError('dependency_unavailable', 'This instance is shutting down.');
    const [dependencies, replica] = await Promise.all([
      dependencyChecks(this.database, this.redis),
      this.replica.check(CHECK_TIMEOUT_MS),
    ]);
    const checks: ReadinessDto['checks'] = replica ? { ...dependencies, databaseReplica: replica } : dependencies;
    const degraded = this.degraded.list();
    if (checks.redis === 'down' || replica === 'down' || Object.keys(degraded).length > 0) {
      return { status: 'degraded', checks, degraded };
    }
    return { status: 'ok', checks };
  }
}

/**
 * PostgreSQL and Redis, checked side by side, for the API's readiness and the worker's: 503 when
 * PostgreSQL is down (nothing works without it); Redis down is for the caller to call degraded.
 */
export async function dependencyChecks(
  database: TypeOrmHealthIndicator,
  redis: RedisHealthIndicator,
): Promise<{ database: 'up'; redis: 'up' | 'down' }> {
  const [databaseResult, redisResult] = await Promise.all([
    database.pingCheck('database', { timeout: CHECK_TIMEOUT_MS }),
    redis.check('redis', CHECK_TIMEOUT_MS),
  ]);
  const checks = { database: stateOf(databaseResult, 'database'), redis: stateOf(redisResult, 'redis') };
  if (checks.database === 'down') {
    throw new AppError('dependency_unavailable', 'Not ready: database unavailable.', { extensions: { checks } });
  }
  return { database: 'up', redis: checks.redis };
}

/** `up` or `down` for one indicator's result. */
function stateOf(result: HealthIndicatorResult, name: string): 'up' | 'down' {
  return result[name]?.status === 'up' ? 'up' : 'down';
}
