import {
  closeOnSignals,
  configOrExit,
  describeTracesEndpoint,
  exitOnStartFailure,
  JobRunner,
  say,
  startTracing,
  WorkerHttpServer,
} from '@flowgate/core';
import { loadWorkerConfig } from './config';
import { createWorkerApp } from './create-worker-app';

async function bootstrap(): Promise<void> {
  const config = configOrExit(() => loadWorkerConfig());
  if (!config.database.url) {
    // The embedded database belongs to `npm start`, which runs these jobs itself in development.
    process.stderr.write(
      'The worker needs DATABASE_URL (and REDIS_URL for more than one replica). In development, `npm start` ' +
        'already runs the worker’s jobs in-process.\n',
    );
    process.exit(1);
  }

  // Before the app exists, so the jobs' database and Redis calls are instrumented (ADR 0026).
  const tracing = startTracing(config.tracing, {
    name: config.worker.serviceName,
    version: config.tracing.serviceVersion,
    environment: config.app.environment,
  });
  const app = await createWorkerApp(config);
  const runner = app.get(JobRunner);
  const url = (await app.get(WorkerHttpServer).listen()).replace('0.0.0.0', 'localhost');
  runner.start();
  say(`Flowgate worker (${config.app.environment}) running ${runner.jobNames.join(', ')}; listening at ${url}`);
  say(`  health: ${url}/health/ready   metrics: ${url}/metrics`);
  if (tracing) say(`  Traces: OTLP to ${describeTracesEndpoint(config.tracing)}, ratio ${config.tracing.sampleRatio}`);

  // Stop claiming, let the batches in hand finish (WORKER_SHUTDOWN_TIMEOUT_MS at most), then close
  // connections. A batch cut short is rolled back and claimed again by another replica.
  closeOnSignals('finishing the jobs in hand', async () => {
    await runner.stop();
    await app.close();
    await tracing?.shutdown();
  });
}

void bootstrap().catch(exitOnStartFailure('Flowgate worker'));
