import { DynamicModule, Module } from '@nestjs/common';
import { FlowgateConfig, WorkerCoreModule, type WorkerCoreOptions } from '@flowgate/core';
import { WORKER_JOB_LIST } from './worker-jobs';

/**
 * The worker's composition root: core's worker infrastructure fed the job list of
 * `worker-jobs.ts`. No controllers are served and no migrations run.
 */
@Module({})
export class WorkerModule {
  static register(config: FlowgateConfig, options: WorkerCoreOptions = {}): DynamicModule {
    return { module: WorkerModule, imports: [WorkerCoreModule.forRoot(config, WORKER_JOB_LIST, options)] };
  }
}
