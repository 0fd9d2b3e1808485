import { DataSource } from 'typeorm';
import { API_MIGRATIONS } from '@flowgate/api';
import { createScratchDatabase, eventually, type ScratchDatabase, type TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';
import { createWebhookJobs, type WebhookJobs } from '../support/webhook-jobs';
import { WebhookReceiver } from '../support/webhook-receiver';
import { WebhookScenario } from './webhook-scenario';

/** What a webhook e2e suite works with; filled in by the hooks `webhookSuite` registers. */
export interface WebhookSuite {
  /** The worker settings given, on the suite's own database: for more workers within a test. */
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
 * app with the targets and secrets key of `workerEnv`, its scenario (definition, callers), the
 * worker's jobs, a receiver per test, and the test's subscriptions removed after it, so that the
 * next test's workers find nothing of it.
 *
 * On a database of its own: a deliverer sends whatever is due in its database, so two webhook
 * suites sharing the run's (jest runs two files at once) delivered each other's messages with
 * their own retry settings, and one suite's attempts counted against the other's expectations.
 */
export function webhookSuite(workerEnv: Readonly<Record<string, string>>): WebhookSuite {
  const state = {} as { -readonly [K in keyof WebhookSuite]: WebhookSuite[K] };
  const subscriptions: string[] = [];
  let scratch: ScratchDatabase | undefined;

  beforeAll(async () => {
    scratch = await createScratchDatabase('webhooks', API_MIGRATIONS);
    state.workerEnv = { ...workerEnv, DATABASE_URL: scratch.config.database.url! };
    state.testApp = await createTestApp({
      env: {
        DATABASE_URL: state.workerEnv.DATABASE_URL,
        WEBHOOK_ALLOWED_TARGETS: workerEnv.WEBHOOK_ALLOWED_TARGETS,
        WEBHOOK_SECRETS_KEY: workerEnv.WEBHOOK_SECRETS_KEY,
      },
    });
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
    await scratch?.drop();
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
