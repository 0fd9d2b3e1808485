import {
  closeOnSignals,
  collectGarbageWhenIdle,
  configOrExit,
  describeTracesEndpoint,
  exitOnStartFailure,
  InFlightRequests,
  MetricsServer,
  RunningEmbeddedPostgres,
  say,
  startEmbeddedPostgres,
  startTracing,
} from '@flowgate/core';
import { runWorkerJobsInProcess } from '@flowgate/worker';
import { loadApiConfig } from './config';
import { createApiApp } from './create-api-app';

async function bootstrap(): Promise<void> {
  const startedAt = performance.now();
  let config = configOrExit(() => loadApiConfig());
  // Before the app exists, so its first request (and its database pool) is traced (ADR 0026).
  const tracing = startTracing(config.tracing, {
    name: config.app.serviceName,
    version: config.tracing.serviceVersion,
    environment: config.app.environment,
  });

  let embedded: RunningEmbeddedPostgres | undefined;
  if (!config.database.url) {
    embedded = await startEmbeddedPostgres(config.database.embedded, say);
    config = { ...config, database: { ...config.database, url: embedded.url } };
  }

  const app = await createApiApp(config);
  await app.listen(config.app.port, config.app.host);

  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('0.0.0.0', 'localhost');
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  say(`Flowgate API (${config.app.environment}) ready in ${seconds}s at ${url}`);
  say(`  API docs: ${url}/docs   contract: ${url}/openapi.json   health: ${url}/health/ready`);
  const metricsUrl = app.get(MetricsServer).url?.replace('0.0.0.0', 'localhost');
  if (metricsUrl) say(`  Metrics: ${metricsUrl}/metrics${config.metrics.onMainPort ? ` and ${url}/metrics` : ''}`);
  else if (config.metrics.onMainPort) say(`  Metrics: ${url}/metrics`);
  if (tracing) say(`  Traces: OTLP to ${describeTracesEndpoint(config.tracing)}, ratio ${config.tracing.sampleRatio}`);
  if (embedded) say('  Database: embedded PostgreSQL; Redis: in-process stand-ins (single instance only)');
  // Development's single process is a whole system: the worker's jobs (timers, purges) run here too,
  // once the API has migrated the database. Production runs apps/worker, and the API runs no job.
  const worker = config.worker.jobsInApi ? await runWorkerJobsInProcess(config) : undefined;
  if (worker) say('  Worker jobs: running in this process (production: npm run start:worker:prod)');
  // With --expose-gc (the shipped flags): garbage goes when the process is quiet, start-up's first.
  const idleCollector = collectGarbageWhenIdle(app.get(InFlightRequests));

  // The embedded database stops last, after the jobs and the app have closed their connections.
  closeOnSignals('draining requests and closing connections', async () => {
    idleCollector?.stop();
    await worker?.close();
    await app.close();
    // Last, so the spans of the requests drained above are exported too.
    await tracing?.shutdown();
    await embedded?.stop();
  });
}

void bootstrap().catch(exitOnStartFailure('Flowgate'));
