import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FlowgateConfig, JobRunner, type WorkerCoreOptions } from '@flowgate/core';
import { Logger } from 'nestjs-pino';
import { WorkerModule } from './worker.module';

/**
 * The worker, built but not started: a Nest application context (no HTTP API). `main.ts`, the
 * API's development mode and the tests all start here; `JobRunner.start()` starts the jobs and
 * `WorkerHttpServer.listen()` the health and metrics listener.
 */
export async function createWorkerApp(
  config: FlowgateConfig,
  options: WorkerCoreOptions = {},
): Promise<INestApplicationContext> {
  const worker = { ...config, app: { ...config.app, serviceName: config.worker.serviceName } };
  const app = await NestFactory.createApplicationContext(WorkerModule.register(worker, options), {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  await app.init();
  return app;
}

/**
 * The worker's jobs inside another process (the API in the embedded development mode, where
 * `npm start` alone must be a complete system): no listener of its own. Close the returned
 * context to stop them; closing drains them first.
 */
export async function runWorkerJobsInProcess(config: FlowgateConfig): Promise<INestApplicationContext> {
  const app = await createWorkerApp(config);
  app.get(JobRunner).start();
  return app;
}
