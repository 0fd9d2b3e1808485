import {
  ConfigError,
  FlowgateConfig,
  MetricsServer,
  RunningEmbeddedPostgres,
  startEmbeddedPostgres,
} from '@flowgate/core';
import { loadApiConfig } from './config';
import { createApiApp } from './create-api-app';

/** Plain console output for the moments before (and after) the structured logger exists. */
const say = (message: string) => process.stdout.write(`${message}\n`);

async function bootstrap(): Promise<void> {
  const startedAt = performance.now();
  let config: FlowgateConfig;
  try {
    config = loadApiConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }

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
  if (embedded) say('  Database: embedded PostgreSQL; Redis: in-process stand-ins (single instance only)');

  // Own the signals rather than enableShutdownHooks(): Nest re-raises the signal after close(),
  // which would kill the process before the embedded database is stopped.
  let closing = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    say(`${signal} received: draining requests and closing connections`);
    try {
      await app.close();
      await embedded?.stop();
      process.exit(0);
    } catch (error) {
      process.stderr.write(`Shutdown failed: ${String(error)}\n`);
      process.exit(1);
    }
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

void bootstrap().catch((error: unknown) => {
  const reason = error instanceof Error ? (error.stack ?? error.message) : `unexpected rejection (${String(error)})`;
  process.stderr.write(`Flowgate failed to start: ${reason}\n`);
  process.exit(1);
});
