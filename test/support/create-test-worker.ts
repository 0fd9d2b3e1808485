import type { INestApplicationContext } from '@nestjs/common';
import { type FlowgateConfig, JobRunner, WorkerHttpServer } from '@flowgate/core';
import { LogCapture } from '@flowgate/testing';
import { createWorkerApp, loadWorkerConfigOverriding } from '@flowgate/worker';

export interface TestWorker {
  readonly app: INestApplicationContext;
  readonly config: FlowgateConfig;
  readonly runner: JobRunner;
  readonly logs: LogCapture;
  /** Starts the health-and-metrics listener on a free loopback port; its base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/**
 * A worker built in this process through the same `createWorkerApp` as its `main.ts`, on the test
 * run's PostgreSQL and Redis, its jobs not started (`runner.start()`), logs in memory. Several may
 * run side by side: each has its own pool, Redis connection and runner, as replicas would.
 */
export async function createTestWorker(env: Readonly<Record<string, string>> = {}): Promise<TestWorker> {
  const config = loadWorkerConfigOverriding({ LOG_LEVEL: 'info', ...env });
  const logs = new LogCapture();
  const app = await createWorkerApp(config, { logDestination: logs });
  return {
    app,
    config,
    runner: app.get(JobRunner),
    logs,
    listen: () => app.get(WorkerHttpServer).listen(0, '127.0.0.1'),
    close: () => app.close(),
  };
}
