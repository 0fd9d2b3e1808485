import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { eventually, type TestApp } from '@flowgate/testing';
import { type DatabaseOfItsOwn, databaseOfItsOwn } from '../support/database-of-its-own';
import { createTestApp } from '../support/create-test-app';
import { createWebhookJobs, type WebhookJobs } from '../support/webhook-jobs';
import { WebhookReceiver } from '../support/webhook-receiver';
import { WebhookScenario } from './webhook-scenario';

/** What a webhook e2e suite works with; filled in by the hooks `webhookSuite` registers. */
/** Loopback may be called (the receivers live there), IPv4 and IPv6. */
const LOOPBACK = '127.0.0.0/8,::1';

export interface WebhookSuite {
  /** The worker settings in full (given ones, targets, key, database): for more workers within a test. */
  readonly workerEnv: Readonly<Record<string, string>>;
  readonly testApp: TestApp;
  readonly scenario: WebhookScenario;
  readonly db: DataSource;
  /** The worker's relay and deliverer, in this process, on `workerEnv`'s settings. */
  readonly jobs: WebhookJobs;
  /** A fresh receiver for each test. */
  readonly receiver: WebhookReceiver;
  /** A subscription (to this test's receiver unless `url` says otherwise) that goes with the test. */
  readonly subscribe: (url?: string, body?: Record<string, unknown>) => ReturnType<WebhookScenario['subscribe']>;
  /** Runs `worker` until `check` passes (retries are due a few tens of ms apart). */
  readonly deliverUntil: (check: () => void | Promise<void>, worker?: WebhookJobs, timeoutMs?: number) => Promise<void>;
}

/**
 * The set-up the webhook e2e suites share, registered as jest hooks of the calling `describe`: an
 * app and workers that may call loopback and share a fresh secrets key (`workerEnv` adds the
 * retry settings), its scenario (definition, callers), the
 * worker's jobs, a receiver per test, and the test's subscriptions removed after it, so that the
 * next test's workers find nothing of it.
 *
 * On a database of its own: a deliverer sends whatever is due in its database, so two webhook
 * suites sharing the run's (jest runs two files at once) delivered each other's messages with
 * their own retry settings, and one suite's attempts counted against the other's expectations.
 */
export function webhookSuite(workerSettings: Readonly<Record<string, string>>): WebhookSuite {
  const state = {} as { -readonly [K in keyof WebhookSuite]: WebhookSuite[K] };
  const subscriptions: string[] = [];
  let database: DatabaseOfItsOwn | undefined;

  beforeAll(async () => {
    database = await databaseOfItsOwn('webhooks');
    const shared = {
      ...database.env,
      WEBHOOK_ALLOWED_TARGETS: LOOPBACK,
      WEBHOOK_SECRETS_KEY: randomBytes(32).toString('base64'),
    };
    state.workerEnv = { ...workerSettings, ...shared };
    state.testApp = await createTestApp({ env: shared });
    state.db = state.testApp.app.get(DataSource);
    state.scenario = new WebhookScenario(state.testApp);
    await state.scenario.setUp();
    state.jobs = await createWebhookJobs(state.workerEnv);
  });

  beforeEach(async () => {
    state.receiver = await WebhookReceiver.start();
  });

  afterEach(async () => {
    for (const id of subscriptions.splice(0)) await state.scenario.unsubscribe(id);
    await state.receiver.close();
  });

  afterAll(async () => {
    await state.jobs?.close();
    await state.testApp?.close();
    await database?.drop();
  });

  state.subscribe = async (url = state.receiver.url(), body = {}) => {
    const created = await state.scenario.subscribe(url, body);
    subscriptions.push(created.id);
    return created;
  };
  state.deliverUntil = (check, worker = state.jobs, timeoutMs = 10_000) =>
    eventually(async () => {
      await worker.drain();
      await check();
    }, timeoutMs);
  return state;
}
