import { closeOnSignals, configOrExit, exitOnStartFailure, JobRunner, say, WorkerHttpServer } from '@flowgate/core';
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

  const app = await createWorkerApp(config);
  const runner = app.get(JobRunner);
  const url = (await app.get(WorkerHttpServer).listen()).replace('0.0.0.0', 'localhost');
  runner.start();
  say(`Flowgate worker (${config.app.environment}) running ${runner.jobNames.join(', ')}; listening at ${url}`);
  say(`  health: ${url}/health/ready   metrics: ${url}/metrics`);

  // Stop claiming, let the batches in hand finish (WORKER_SHUTDOWN_TIMEOUT_MS at most), then close
  // connections. A batch cut short is rolled back and claimed again by another replica.
  closeOnSignals('finishing the jobs in hand', async () => {
    await runner.stop();
    await app.close();
  });
}

void bootstrap().catch(exitOnStartFailure('Flowgate worker'));
