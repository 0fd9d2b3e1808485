import { Module } from '@nestjs/common';
import { AppModule, loadApiConfigOverriding, setupOpenApi } from '@flowgate/api';
import { createHttpApp } from '@flowgate/core';
import { LogCapture, ProbesModule, type TestApp } from '@flowgate/testing';

export interface TestAppOptions {
  /** Environment variables to set on top of the test run's (DATABASE_URL, REDIS_URL, ...). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Mount the test-only probe endpoints (validation, 500, slow handler). */
  readonly probes?: boolean;
}

/**
 * Every test of a run calls from 127.0.0.1 and shares the run's Redis: at production budgets the
 * suite would throttle itself. Tests of rate limiting set their own small budgets in `env`.
 */
const GENEROUS_RATE_LIMITS = {
  RATE_LIMIT_PRINCIPAL: '1000000/60s',
  RATE_LIMIT_SENSITIVE: '1000000/60s',
  RATE_LIMIT_ANONYMOUS: '1000000/60s',
};

/**
 * Builds the real API application, through the same `createHttpApp` as `main.ts`, on the test
 * run's PostgreSQL and Redis, and listens on a free loopback port. Logs go to memory. It lives
 * beside the e2e specs, not in libs/testing: the app depends on the libraries, never the reverse.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const config = loadApiConfigOverriding({ LOG_LEVEL: 'info', ...GENEROUS_RATE_LIMITS, ...options.env });
  const logs = new LogCapture();
  const appModule = AppModule.register(config, { logDestination: logs });

  @Module({ imports: [appModule, ...(options.probes ? [ProbesModule] : [])] })
  class TestRootModule {}

  const app = await createHttpApp(TestRootModule, config);
  setupOpenApi(app);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, config, url, logs, close: () => app.close() };
}
