import { randomUUID } from 'node:crypto';
import { connectRunDatabase, type RunDatabase } from '@flowgate/testing';
import { WebhookRetentionRepository } from './webhook-retention.repository';

/**
 * The retention purge on the run's database. Other suites' rows are never old enough to be purged
 * (they are minutes old; the purge takes days), so each test ages its own rows and asserts on them.
 */
describe('WebhookRetentionRepository', () => {
  let db: RunDatabase;
  let repository: WebhookRetentionRepository;
  let subscriptionId: string;

  beforeAll(async () => {
    db = await connectRunDatabase('webhook-retention-spec');
    repository = new WebhookRetentionRepository(db.transactions);
    // Filtered to a definition nobody publishes: the webhook suites' relays fan nothing out to it.
    const [row] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO webhook_subscriptions (url, event_types, definition_keys, secret_sealed)
       VALUES ('https://receiver.invalid/hook', '{workflow.started}', '{zz-retention-none}', 'unsealed:x') RETURNING id`,
    );
    subscriptionId = row.id;
  });

  afterAll(() => db?.close());

  async function outboxEvent(deliveredDaysAgo: number | null, createdDaysAgo = 100): Promise<string> {
    const [row] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO outbox_events (topic, aggregate_type, aggregate_id, payload, created_at, delivered_at)
       VALUES ('workflow.started', 'workflow', $1, '{}', now() - make_interval(days => $2),
               CASE WHEN $3::int IS NULL THEN NULL ELSE now() - make_interval(days => $3::int) END)
       RETURNING id`,
      [randomUUID(), createdDaysAgo, deliveredDaysAgo],
    );
    return String(row.id);
  }

  async function delivery(status: string, completedDaysAgo: number | null): Promise<string> {
    const [row] = await db.dataSource.query<{ id: string }[]>(
      `INSERT INTO webhook_deliveries
         (subscription_id, outbox_event_id, message_id, event_type, aggregate_id, body, status, completed_at)
       VALUES ($1, $2, $3, 'workflow.started', $4, '{}', $5,
               CASE WHEN $6::int IS NULL THEN NULL ELSE now() - make_interval(days => $6::int) END)
       RETURNING id`,
      [subscriptionId, Math.floor(Math.random() * 1e12), `msg_${randomUUID()}`, randomUUID(), status, completedDaysAgo],
    );
    return row.id;
  }

  const remaining = async (table: string, ids: string[]): Promise<string[]> =>
    (await db.dataSource.query<{ id: string }[]>(`SELECT id FROM ${table} WHERE id = ANY($1) ORDER BY id`, [ids])).map(
      (row) => String(row.id),
    );

  it('deletes outbox events published before the window, never unpublished ones however old', async () => {
    const old = await outboxEvent(40);
    const recent = await outboxEvent(5);
    const unpublished = await outboxEvent(null, 400);
    let deleted = 0;
    for (let batch = 1; batch > 0; deleted += batch) batch = await repository.purgePublishedEvents(30, 1_000);
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await remaining('outbox_events', [old, recent, unpublished])).toEqual([recent, unpublished].sort());
  });

  it('deletes finished deliveries (succeeded, dead) that ended before the window, never open ones', async () => {
    const succeeded = await delivery('succeeded', 31);
    const dead = await delivery('dead', 45);
    const recentDead = await delivery('dead', 2);
    const pending = await delivery('pending', null);
    let deleted = 0;
    for (let batch = 1; batch > 0; deleted += batch) batch = await repository.purgeFinishedDeliveries(30, 1_000);
    expect(deleted).toBeGreaterThanOrEqual(2);
    expect(await remaining('webhook_deliveries', [succeeded, dead, recentDead, pending])).toEqual(
      [recentDead, pending].sort(),
    );
  });

  it('deletes at most one batch per call and reports how many', async () => {
    const ids = await Promise.all([outboxEvent(90), outboxEvent(91), outboxEvent(92)]);
    // Other specs' events may be as old only if a test made them so; this one's three are the floor.
    expect(await repository.purgePublishedEvents(30, 2)).toBe(2);
    while ((await repository.purgePublishedEvents(30, 1_000)) > 0);
    expect(await remaining('outbox_events', ids)).toEqual([]);
  });
});
