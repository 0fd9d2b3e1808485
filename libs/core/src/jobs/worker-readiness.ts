import { Injectable } from '@nestjs/common';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import { AppError } from '../errors/app-error';
import { stateOf } from '../observability/readiness';
import type { ReadinessDto } from '../observability/readiness.dto';
import { RedisHealthIndicator } from '../redis/redis-health.indicator';
import { JobRunner } from './job-runner';

const CHECK_TIMEOUT_MS = 1_500;

/**
 * Whether this worker can do its jobs: not without PostgreSQL (every job needs it) nor while it
 * drains for shutdown (503). Without Redis it still fires timers and claims rows, but singleton
 * jobs skip their runs (they never run unguarded): 200 `degraded`, as the API answers.
 */
@Injectable()
export class WorkerReadiness {
  constructor(
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly runner: JobRunner,
  ) {}

  async check(): Promise<ReadinessDto> {
    if (this.runner.isStopping) throw new AppError('dependency_unavailable', 'This worker is shutting down.');
    const [database, redis] = await Promise.all([
      this.database.pingCheck('database', { timeout: CHECK_TIMEOUT_MS }),
      this.redis.check('redis', CHECK_TIMEOUT_MS),
    ]);
    const checks = { database: stateOf(database, 'database'), redis: stateOf(redis, 'redis') };
    if (checks.database === 'down') {
      throw new AppError('dependency_unavailable', 'Not ready: database unavailable.', { extensions: { checks } });
    }
    if (checks.redis === 'down') {
      return { status: 'degraded', checks, degraded: { singletonJobs: 'skipped: Redis is unreachable' } };
    }
    return { status: 'ok', checks };
  }
}
