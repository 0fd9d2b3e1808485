import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { Metrics } from '@flowgate/core';
import { eventually } from '@flowgate/testing';
import { spawnWebhookWorker } from '../support/spawn-webhook-worker';
import { createWebhookJobs } from '../support/webhook-jobs';
import { type ReceivedWebhook, WebhookReceiver } from '../support/webhook-receiver';
import { webhookSuite } from './webhook-suite';

/**
 * Deliveries end to end (docs/webhooks.md): real workflows write the outbox, real relays and
 * deliverers (the worker's jobs, in this process or in a child process) send to real HTTP receivers
 * on loopback, and receivers verify with the `standardwebhooks` library. Retries run on a fast
 * schedule (50 ms base, 3 attempts). One file, its tests in sequence: a deliverer sends whatever is
 * due in its database, so this file's workers of different settings take turns, and the file has a
 * database of its own (`webhookSuite`).
 */

/** Retry settings of this file's workers; `webhookSuite` adds targets, secrets key and database. */
const WORKER_ENV = {
  WEBHOOK_RETRY_BASE_MS: '50',
  WEBHOOK_RETRY_MAX_MS: '400',
  WEBHOOK_MAX_ATTEMPTS: '3',
  WEBHOOK_REQUEST_TIMEOUT_MS: '2000',
  WEBHOOK_LEASE_MS: '3000',
  WEBHOOK_PAUSE_AFTER_FAILURES: '1000',
  WEBHOOK_IDLE_INTERVAL_MS: '20',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `webhook-id`, type and what it says happened, in the order the receiver accepted them. */
function story(hooks: readonly ReceivedWebhook[], workflowId?: string): string[] {
  return hooks
    .filter((hook) => workflowId === undefined || hook.json.data.workflowId === workflowId)
    .map((hook) => {
      const transition = hook.json.data.transition;
      return typeof transition === 'string' ? `${hook.json.type}:${transition}` : hook.json.type;
    });
}

describe('Webhook deliveries', () => {
  const suite = webhookSuite(WORKER_ENV);
  const { subscribe, deliverUntil } = suite;

  it('signs every message per Standard Webhooks, verified by the library, in the order things happened', async () => {
    const { id: subscriptionId, secret } = await subscribe();
    const workflowId = await suite.scenario.start();
    await suite.scenario.move(workflowId, 'submit');
    await suite.scenario.move(workflowId, 'approve');
    await deliverUntil(() => expect(suite.receiver.accepted).toHaveLength(4));

    expect(story(suite.receiver.accepted)).toEqual([
      'workflow.started',
      'workflow.transitioned:submit',
      'workflow.transitioned:approve',
      'workflow.completed:approve',
    ]);
    const verifier = new Webhook(secret);
    for (const hook of suite.receiver.accepted) {
      expect(verifier.verify(hook.body, hook.headers)).toEqual(hook.json);
      expect(hook.headers['webhook-id']).toMatch(/^msg_\d+(_completed)?$/);
      expect(hook.headers['content-type']).toBe('application/json');
    }
    expect(() =>
      new Webhook(`whsec_${randomBytes(24).toString('base64')}`).verify(
        suite.receiver.accepted[0].body,
        suite.receiver.accepted[0].headers,
      ),
    ).toThrow();
    expect(suite.receiver.accepted[3].json).toEqual({
      type: 'workflow.completed',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: {
        workflowId,
        definitionKey: suite.scenario.definitionKey,
        definitionVersion: 1,
        transition: 'approve',
        from: 'submitted',
        to: 'approved',
        terminal: true,
        actorId: suite.scenario.approver.id,
        version: 3,
      },
    });
    const log = await suite.scenario.deliveries(subscriptionId);
    expect(log).toHaveLength(4);
    for (const delivery of log) {
      expect(delivery).toMatchObject({
        status: 'succeeded',
        attempts: 1,
        lastStatusCode: 204,
        workflowId,
        nextAttemptAt: null,
      });
      expect(delivery.lastLatencyMs).toEqual(expect.any(Number));
    }
    const [published] = await suite.db.query<{ pending: string }[]>(
      `SELECT count(*) FILTER (WHERE delivered_at IS NULL) AS pending FROM outbox_events WHERE aggregate_id = $1`,
      [workflowId],
    );
    expect(Number(published.pending)).toBe(0);
  });

  it('signs with both secrets during a rotation: a receiver holding either verifies', async () => {
    const { id, secret: oldSecret } = await subscribe();
    const rotated = await suite.scenario.http
      .post(`/v1/webhook-subscriptions/${id}/rotate-secret`)
      .set(suite.scenario.admin.auth);
    expect(rotated.status).toBe(200);
    await suite.scenario.start();
    await deliverUntil(() => expect(suite.receiver.accepted).toHaveLength(1));
    const [hook] = suite.receiver.accepted;
    expect(hook.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(oldSecret).verify(hook.body, hook.headers)).toEqual(hook.json);
    expect(new Webhook(rotated.body.secret as string).verify(hook.body, hook.headers)).toEqual(hook.json);
  });

  it('retries a failing receiver with growing delays, dead-letters it, and a manual redelivery succeeds with the same webhook-id', async () => {
    suite.receiver.answer(() => 503);
    const { id: subscriptionId } = await subscribe(suite.receiver.url(), { eventTypes: ['workflow.started'] });
    const arrivals: number[] = [];
    suite.receiver.answer(() => {
      arrivals.push(Date.now());
      return 503;
    });
    await suite.scenario.start();
    await deliverUntil(async () =>
      expect((await suite.scenario.deliveries(subscriptionId))[0]).toMatchObject({ status: 'dead' }),
    );

    expect(suite.receiver.received).toHaveLength(3);
    expect(new Set(suite.receiver.received.map((hook) => hook.id)).size).toBe(1);
    // 50 ms × 2^(n−1) with equal jitter: at least 25 ms, then at least 50 ms.
    expect(arrivals[1] - arrivals[0]).toBeGreaterThanOrEqual(25);
    expect(arrivals[2] - arrivals[1]).toBeGreaterThanOrEqual(50);
    const [dead] = await suite.scenario.deliveries(subscriptionId);
    expect(dead).toMatchObject({
      status: 'dead',
      attempts: 3,
      lastStatusCode: 503,
      lastError: 'HTTP 503',
      nextAttemptAt: null,
    });
    expect(dead.completedAt).toEqual(expect.any(String));
    const metrics = await suite.jobs.context.get(Metrics).registry.getMetricsAsJSON();
    const valueOf = (name: string, labels: Record<string, string> = {}) =>
      metrics
        .find((metric) => metric.name === name)
        ?.values.find((value) => Object.entries(labels).every(([key, label]) => value.labels[key] === label))?.value;
    expect(valueOf('webhook_dead_letters_total')).toBeGreaterThanOrEqual(1);
    expect(valueOf('webhook_deliveries_total', { outcome: 'dead' })).toBeGreaterThanOrEqual(1);
    expect(valueOf('webhook_delivery_attempts_total', { result: 'rejected' })).toBeGreaterThanOrEqual(3);

    suite.receiver.answer(() => 200);
    const redelivered = await suite.scenario.http
      .post(`/v1/webhook-subscriptions/${subscriptionId}/deliveries/${String(dead.id)}/redeliver`)
      .set(suite.scenario.admin.auth);
    expect(redelivered.status).toBe(202);
    expect(redelivered.body).toMatchObject({ status: 'pending', attempts: 0, messageId: dead.messageId });
    await deliverUntil(() => expect(suite.receiver.accepted).toHaveLength(1));
    expect(suite.receiver.accepted[0].id).toBe(dead.messageId);
    expect((await suite.scenario.deliveries(subscriptionId))[0]).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      lastStatusCode: 200,
    });
    const [audit] = await suite.db.query<{ action: string }[]>(
      `SELECT action FROM audit_events WHERE resource_id = $1`,
      [dead.id],
    );
    expect(audit.action).toBe('webhook_delivery.redelivered');
  });

  it('records a receiver that is down (connection refused) as a failed attempt with the reason', async () => {
    const down = await WebhookReceiver.start();
    const url = down.url();
    await down.close();
    const { id: subscriptionId } = await subscribe(url, { eventTypes: ['workflow.started'] });
    await suite.scenario.start();
    await deliverUntil(async () =>
      expect((await suite.scenario.deliveries(subscriptionId))[0]).toMatchObject({ status: 'dead' }),
    );
    const [delivery] = await suite.scenario.deliveries(subscriptionId);
    expect(delivery).toMatchObject({
      attempts: 3,
      lastStatusCode: null,
      lastError: expect.stringMatching(/^ECONNREFUSED/),
    });
  });

  it('keeps the order of one instance across retries: later events wait for an earlier one to be delivered', async () => {
    let startedFailures = 0;
    suite.receiver.answer(({ json }) => (json.type === 'workflow.started' && startedFailures++ < 2 ? 500 : 200));
    await subscribe();
    const workflowId = await suite.scenario.start();
    await suite.scenario.move(workflowId, 'submit');
    await suite.scenario.move(workflowId, 'approve');
    await deliverUntil(() => expect(suite.receiver.accepted).toHaveLength(4));
    expect(story(suite.receiver.received)).toEqual([
      'workflow.started',
      'workflow.started',
      'workflow.started',
      'workflow.transitioned:submit',
      'workflow.transitioned:approve',
      'workflow.completed:approve',
    ]);
  });

  it('keeps the order when a delivery is dead-lettered: the next event goes once it is', async () => {
    suite.receiver.answer(({ json }) => (json.type === 'workflow.started' ? 500 : 200));
    await subscribe();
    const workflowId = await suite.scenario.start();
    await suite.scenario.move(workflowId, 'submit');
    await deliverUntil(() => expect(suite.receiver.accepted).toHaveLength(1));
    expect(story(suite.receiver.received)).toEqual([
      'workflow.started',
      'workflow.started',
      'workflow.started',
      'workflow.transitioned:submit',
    ]);
  });

  it('pauses an endpoint that keeps failing (reason, audit by the system), holds its messages, and delivers them once resumed', async () => {
    const pausing = await createWebhookJobs({
      ...suite.workerEnv,
      WEBHOOK_PAUSE_AFTER_FAILURES: '2',
      WEBHOOK_MAX_ATTEMPTS: '10',
    });
    try {
      suite.receiver.answer(() => 500);
      const { id } = await subscribe();
      const workflowId = await suite.scenario.start();
      await deliverUntil(async () => {
        const read = await suite.scenario.http.get(`/v1/webhook-subscriptions/${id}`).set(suite.scenario.admin.auth);
        expect(read.body).toMatchObject({ status: 'paused', consecutiveFailures: 2 });
      }, pausing);
      const read = await suite.scenario.http.get(`/v1/webhook-subscriptions/${id}`).set(suite.scenario.admin.auth);
      expect(read.body.pausedReason).toBe('2 consecutive failed attempts; the last: HTTP 500');
      const audits = await suite.db.query<{ action: string; actor_type: string; after: Record<string, unknown> }[]>(
        `SELECT action, actor_type, after FROM audit_events WHERE resource_id = $1 ORDER BY pos`,
        [id],
      );
      expect(audits.map((a) => `${a.actor_type}:${a.action}`)).toEqual([
        'user:webhook_subscription.created',
        'system:webhook_subscription.paused',
      ]);

      // Paused: nothing is attempted, however long the worker runs.
      suite.receiver.answer(() => 200);
      await suite.scenario.move(workflowId, 'submit');
      await pausing.drain();
      await sleep(150);
      await pausing.drain();
      expect(suite.receiver.accepted).toHaveLength(0);
      expect(suite.receiver.received).toHaveLength(2);

      const resumed = await suite.scenario.http
        .patch(`/v1/webhook-subscriptions/${id}`)
        .set(suite.scenario.admin.auth)
        .set('If-Match', read.headers.etag)
        .send({ status: 'enabled' });
      expect(resumed.body).toMatchObject({ status: 'enabled', consecutiveFailures: 0, pausedReason: null });
      await deliverUntil(() => expect(suite.receiver.accepted).toHaveLength(2), pausing);
      expect(story(suite.receiver.accepted)).toEqual(['workflow.started', 'workflow.transitioned:submit']);
    } finally {
      await pausing.close();
    }
  });

  it('checks the address again at delivery time: a host name resolving to loopback is refused when loopback is not allowlisted', async () => {
    const strict = await createWebhookJobs({ ...suite.workerEnv, WEBHOOK_ALLOWED_TARGETS: '' });
    try {
      // Accepted when it was created (this API allows loopback); the worker does not.
      const { id: subscriptionId } = await subscribe(suite.receiver.url('localhost'), {
        eventTypes: ['workflow.started'],
      });
      await suite.scenario.start();
      await deliverUntil(
        async () => expect((await suite.scenario.deliveries(subscriptionId))[0]).toMatchObject({ status: 'dead' }),
        strict,
      );
      const [delivery] = await suite.scenario.deliveries(subscriptionId);
      expect(delivery.lastError).toMatch(
        /^refused: The host localhost resolves to (127\.0\.0\.1|::1), a loopback address\.$/,
      );
      expect(delivery.lastStatusCode).toBeNull();
      expect(suite.receiver.received).toHaveLength(0);
    } finally {
      await strict.close();
    }
  });

  it('delivers every event at least once and in order per instance with two relays and two deliverers at once', async () => {
    // The first attempt at every fifth message fails, so retries interleave with first attempts.
    // Once per message: failing every fifth request instead could hit one message's every attempt
    // (3) when two deliverers' requests interleave just so, and dead-letter it.
    const seen = new Set<string>();
    suite.receiver.answer((hook) => {
      if (seen.has(hook.id)) return 200;
      seen.add(hook.id);
      return seen.size % 5 === 0 ? 503 : 200;
    });
    const { id: subscriptionId } = await subscribe();
    const second = await createWebhookJobs(suite.workerEnv);
    const loops = [suite.jobs.loop(), second.loop()];
    try {
      const ids = await Promise.all(Array.from({ length: 8 }, () => suite.scenario.start()));
      await Promise.all(
        ids.map(async (id) => {
          await suite.scenario.move(id, 'submit');
          await suite.scenario.move(id, 'approve');
        }),
      );
      await eventually(async () => {
        for (const id of ids)
          expect(new Set(story(suite.receiver.accepted, id))).toEqual(
            new Set([
              'workflow.started',
              'workflow.transitioned:submit',
              'workflow.transitioned:approve',
              'workflow.completed:approve',
            ]),
          );
      }, 20_000);
      for (const id of ids) {
        // First acceptances of each message, in order (a message may be accepted again, never out of order).
        const firsts = [...new Set(story(suite.receiver.accepted, id))];
        expect(firsts).toEqual([
          'workflow.started',
          'workflow.transitioned:submit',
          'workflow.transitioned:approve',
          'workflow.completed:approve',
        ]);
      }
      const [counts] = await suite.db.query<{ deliveries: string; messages: string }[]>(
        `SELECT count(*) AS deliveries, count(DISTINCT message_id) AS messages FROM webhook_deliveries WHERE subscription_id = $1`,
        [subscriptionId],
      );
      expect({ deliveries: Number(counts.deliveries), messages: Number(counts.messages) }).toEqual({
        deliveries: 32,
        messages: 32,
      });
    } finally {
      await Promise.all(loops.map((loop) => loop.stop()));
      await second.close();
    }
  });

  it('fails the one delivery whose secret will not open (key changed), and sends the others of its round', async () => {
    const healthy = await subscribe(suite.receiver.url(), { eventTypes: ['workflow.started'] });
    const broken = await subscribe(suite.receiver.url(), { eventTypes: ['workflow.started'] });
    await suite.db.query(`UPDATE webhook_subscriptions SET secret_sealed = $2 WHERE id = $1`, [
      broken.id,
      `aes256gcm:${randomBytes(12).toString('base64')}.${randomBytes(16).toString('base64')}.${randomBytes(30).toString('base64')}`,
    ]);
    const workflowId = await suite.scenario.start();
    await deliverUntil(async () =>
      expect((await suite.scenario.deliveries(broken.id))[0]).toMatchObject({ status: 'dead' }),
    );
    expect(suite.receiver.accepted.map((hook) => hook.json.data.workflowId)).toEqual([workflowId]);
    expect(
      new Webhook(healthy.secret).verify(suite.receiver.accepted[0].body, suite.receiver.accepted[0].headers),
    ).toBeTruthy();
    expect((await suite.scenario.deliveries(broken.id))[0].lastError).toBe(
      'not sent: the signing secret does not open with WEBHOOK_SECRETS_KEY (was the key changed?)',
    );
  });

  it('sends a delivery again, with the same webhook-id, when its worker is killed mid-delivery', async () => {
    suite.receiver.answer(() => 'hang');
    await subscribe(suite.receiver.url(), { eventTypes: ['workflow.started'] });
    const child = spawnWebhookWorker({
      ...suite.workerEnv,
      WEBHOOK_LEASE_MS: '1000',
      WEBHOOK_REQUEST_TIMEOUT_MS: '30000',
    });
    try {
      await child.ready;
      const workflowId = await suite.scenario.start();
      await eventually(() => Promise.resolve(expect(suite.receiver.received).toHaveLength(1)), 20_000);
      child.process.kill('SIGKILL');
      await new Promise((resolve) => child.process.once('exit', resolve));
      suite.receiver.answer(() => 200);
      const killedId = suite.receiver.received[0].id;
      await deliverUntil(() => expect(suite.receiver.accepted).toHaveLength(1));
      expect(suite.receiver.accepted[0].id).toBe(killedId);
      expect(suite.receiver.accepted[0].json.data.workflowId).toBe(workflowId);
    } finally {
      child.process.kill('SIGKILL');
    }
  });
});
