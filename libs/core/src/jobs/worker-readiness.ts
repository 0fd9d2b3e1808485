import { Injectable } from '@nestjs/common';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import { AppError } from '../errors/app-error';
import { dependencyChecks } from '../observability/readiness';
import type { ReadinessDto } from '../observability/readiness.dto';
import { RedisHealthIndicator } from '../redis/redis-health.indicator';
import { JobRunner } from './job-runner';

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
    const checks = await dependencyChecks(this.database, this.redis);
    if (checks.redis === 'down') {
      return { status: 'degraded', checks, degraded: { singletonJobs: 'skipped: Redis is unreachable' } };
    }
    return { status: 'ok', checks };
  }
}
