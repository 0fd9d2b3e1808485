import request from 'supertest';
import { DataSource, EntityManager } from 'typeorm';
import { DEV_TENANT_ID, devObjectId, DevIdentityProvider, type Role } from '@flowgate/auth';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from '../test/support/create-test-app';
import { ACCESS_REQUEST_DEFINITION, PURCHASE_REQUEST_DEFINITION, validateDefinition } from '@flowgate/workflows';
// The list's SQL builder and rules are the library's internals; the bench prints their plans. The
// one place outside a library allowed into its files (.dependency-cruiser.cjs, bench-reads-internals).
import { buildInstanceListQuery } from '../libs/workflows/src/instances/instance-list-query';
import { listScope } from '../libs/workflows/src/instances/list-scope';
import { benchSettings, suiteTimeoutMs } from './support/bench-settings';

const INSTANCES = Number(process.env.BENCH_WORKFLOW_INSTANCES ?? 100_000);
const USERS = 1_000;
const DAYS = 90;

/**
 * "Waiting for me" and the instance list, filtered by who may see what, at size: 100,000 instances
 * of the two example definitions and 1,000 users (700 requesters, 250 approvers, 40 admins, 10
 * auditors), written straight into the bench database with the history, participants and
 * assignments a real load would leave (managers assigned to most submitted purchases, manager
 * approvals and finance votes in the history, so separation of duties and quorums have something
 * to check). Each variant is a series of sequential requests (one connection: latency, not
 * throughput) spread over many users of a kind; the baseline is an admin's newest page, which
 * reads the same rows with no authority filter at all. The plans behind the numbers are printed
 * (EXPLAIN ANALYZE) for docs/workflows.md.
 */
describe(`Workflow lists at ${INSTANCES} instances and ${USERS} users`, () => {
  const settings = benchSettings();
  let testApp: TestApp;
  let db: DataSource;
  const people: Record<'requester' | 'approver' | 'admin', { id: string; token: string }[]> = {
    requester: [],
    approver: [],
    admin: [],
  };

  beforeAll(async () => {
    testApp = await createTestApp({ env: { LOG_LEVEL: 'warn', DATABASE_STATEMENT_TIMEOUT_MS: '600000' } });
    db = testApp.app.get(DataSource);
    await seed();
    const dev = testApp.app.get(DevIdentityProvider);
    // A token per user, minted for the users the seed created (the dev issuer's object ids).
    const users = await db.query<{ id: string; name: string; role: Role }[]>(
      `SELECT id, display_name AS name, token_roles[1] AS role FROM users WHERE display_name LIKE 'bench-%'`,
    );
    for (const user of users) {
      if (user.role === 'requester' || user.role === 'approver' || user.role === 'admin') {
        people[user.role].push({ id: user.id, token: await dev.mint({ user: user.name, roles: [user.role] }) });
      }
    }
  }, 600_000);

  afterAll(() => testApp?.close());

  /** Users, definitions, instances, history, participants and assignments, in a few statements. */
  async function seed(): Promise<void> {
    // One transaction, so one connection: the temporary table and function below are per session.
    await db.transaction((manager) => seedWith(manager));
  }

  async function seedWith(db: EntityManager): Promise<void> {
    const roles: Role[] = Array.from({ length: USERS }, (_, n) =>
      n < 700 ? 'requester' : n < 950 ? 'approver' : n < 990 ? 'admin' : 'auditor',
    );
    await db.query(
      `INSERT INTO users (tenant_id, object_id, display_name, token_roles)
       SELECT $1, oid, name, ARRAY[role] FROM unnest($2::text[], $3::text[], $4::text[]) AS u(oid, name, role)`,
      [DEV_TENANT_ID, roles.map((_, n) => devObjectId(`bench-${n}`)), roles.map((_, n) => `bench-${n}`), roles],
    );
    for (const document of [PURCHASE_REQUEST_DEFINITION, ACCESS_REQUEST_DEFINITION]) {
      const result = validateDefinition(document);
      if (!result.valid) throw new Error('example definition invalid');
      await db.query(
        `INSERT INTO workflow_definitions (key, version, title, definition) VALUES ($1, 1, $2, $3)
         ON CONFLICT DO NOTHING`,
        [document.key, document.title, JSON.stringify(result.definition)],
      );
    }
    // Instances: 60 % purchases, 40 % access requests, states in realistic shares, initiators
    // among the requesters, spread over 90 days.
    // Independent pseudo-random draws per attribute (arithmetic on the row number correlates them:
    // every instance of one requester came out in the same state).
    await db.query(
      `CREATE FUNCTION pg_temp.draw(s int, what text, n int) RETURNS int LANGUAGE sql IMMUTABLE
       AS $$ SELECT (abs(hashtext(what || s)) % n)::int $$`,
    );
    await db.query(
      `CREATE TEMP TABLE bench_instances AS
       WITH cast_ AS (
         SELECT array_agg(id ORDER BY display_name) FILTER (WHERE token_roles[1] = 'requester') AS requesters,
                array_agg(id ORDER BY display_name) FILTER (WHERE token_roles[1] = 'approver') AS approvers
         FROM users WHERE display_name LIKE 'bench-%')
       SELECT gen_random_uuid() AS id, s,
         CASE WHEN pg_temp.draw(s, 'key', 10) < 6 THEN 'purchase-request' ELSE 'access-request' END AS key,
         CASE WHEN pg_temp.draw(s, 'key', 10) < 6 THEN
           (ARRAY['draft','submitted','submitted','finance_review','finance_quorum_review','approved','approved',
                  'approved','rejected','cancelled'])[1 + pg_temp.draw(s, 'state', 10)]
         ELSE (ARRAY['requested','requested','approved','provisioned','provisioned','provisioned','provisioned',
                  'rejected','withdrawn','provisioned'])[1 + pg_temp.draw(s, 'state', 10)] END AS state,
         requesters[1 + pg_temp.draw(s, 'initiator', 700)] AS initiator,
         approvers[1 + pg_temp.draw(s, 'manager', 250)] AS manager,
         approvers[1 + pg_temp.draw(s, 'finance', 250)] AS finance,
         date_trunc('milliseconds', now() - interval '${DAYS} days' + s * interval '${(DAYS * 86_400) / INSTANCES} seconds') AS created_at
       FROM generate_series(1, $1::int) AS s, cast_`,
      [INSTANCES],
    );
    await db.query(
      `INSERT INTO workflow_instances (id, definition_key, definition_version, state, terminal, initiator_id,
         state_entered_seq, created_at, assigned_role)
       SELECT id, key, 1, state, state IN ('approved', 'rejected', 'cancelled', 'provisioned', 'withdrawn')
           AND NOT (key = 'access-request' AND state = 'approved'),
         initiator, CASE WHEN state IN ('draft', 'requested') THEN 1 WHEN state = 'submitted' THEN 2 ELSE 3 END,
         created_at, CASE WHEN state IN ('finance_review', 'finance_quorum_review') THEN 'approver' END
       FROM bench_instances`,
    );
    // History: the start; a purchase's submission; its manager's approval from finance on; the
    // first of two finance votes on half the quorum reviews.
    await db.query(
      `INSERT INTO workflow_history (instance_id, seq, kind, transition, from_state, to_state, actor_id)
       SELECT id, 1, 'started', NULL, NULL, CASE WHEN key = 'purchase-request' THEN 'draft' ELSE 'requested' END, initiator
       FROM bench_instances
       UNION ALL
       SELECT id, 2, 'moved', 'submit', 'draft', 'submitted', initiator FROM bench_instances
       WHERE key = 'purchase-request' AND state <> 'draft'
       UNION ALL
       SELECT id, 3, 'moved', CASE WHEN state = 'finance_quorum_review' THEN 'escalate' ELSE 'manager_approve' END,
         'submitted', state, manager FROM bench_instances
       WHERE key = 'purchase-request' AND state IN ('finance_review', 'finance_quorum_review', 'approved')
       UNION ALL
       SELECT id, 4, 'voted', 'finance_quorum_approve', 'finance_quorum_review', 'finance_quorum_review', finance
       FROM bench_instances WHERE state = 'finance_quorum_review' AND pg_temp.draw(s, 'vote', 2) = 0`,
    );
    // Managers assigned to two in three submitted purchases; the rest wait to be claimed.
    await db.query(
      `INSERT INTO workflow_assignments (instance_id, user_id, assigned_by)
       SELECT id, manager, manager FROM bench_instances WHERE state = 'submitted' AND pg_temp.draw(s, 'assigned', 3) <> 0`,
    );
    await db.query(
      `INSERT INTO workflow_participants (instance_id, user_id, instance_created_at)
       SELECT DISTINCT h.instance_id, h.actor_id, b.created_at FROM workflow_history h JOIN bench_instances b ON b.id = h.instance_id
       UNION
       SELECT a.instance_id, a.user_id, b.created_at FROM workflow_assignments a JOIN bench_instances b ON b.id = a.instance_id`,
    );
    for (const table of [
      'users',
      'workflow_instances',
      'workflow_history',
      'workflow_participants',
      'workflow_assignments',
    ]) {
      await db.query(`ANALYZE ${table}`);
    }
  }

  interface Variant {
    readonly name: string;
    readonly who: keyof typeof people;
    readonly query: Record<string, string>;
  }

  const VARIANTS: Variant[] = [
    { name: 'admin, newest page, no filter (baseline)', who: 'admin', query: {} },
    { name: 'requester, list (what they may see)', who: 'requester', query: {} },
    { name: 'requester, waiting for me', who: 'requester', query: { waitingForMe: 'true' } },
    { name: 'approver, list (what they may see)', who: 'approver', query: {} },
    { name: 'approver, list, one state', who: 'approver', query: { definitionKey: 'purchase-request', state: 'submitted' } }, // prettier-ignore
    { name: 'approver, waiting for me', who: 'approver', query: { waitingForMe: 'true' } },
    { name: 'admin, waiting for me', who: 'admin', query: { waitingForMe: 'true' } },
  ];

  /** Sequential requests rotating over the users of a kind; p50 and p99 in milliseconds. */
  async function latencies(variant: Variant, samples: number): Promise<{ p50: number; p99: number; rows: number }> {
    const http = request(testApp.app.getHttpServer());
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < samples; i += 1) {
      const person = people[variant.who][i % people[variant.who].length];
      const started = performance.now();
      const res = await http.get('/v1/workflows').query(variant.query).set('Authorization', `Bearer ${person.token}`);
      times.push(performance.now() - started);
      expect(res.status).toBe(200);
      rows += (res.body as { value: unknown[] }).value.length;
    }
    const sorted = [...times].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    return { p50: at(0.5), p99: at(0.99), rows: rows / samples };
  }

  it(
    'p50 and p99 of each list, against an admin newest page',
    async () => {
      const samples = 40 * settings.rounds;
      // One unmeasured pass, so every variant meets warm caches and prepared plans alike.
      for (const variant of VARIANTS) await latencies(variant, 20);
      const results = [];
      for (const variant of VARIANTS) results.push({ variant, ...(await latencies(variant, samples)) });
      const base = results[0];
      const lines = results.map(
        (r) =>
          `  ${r.variant.name.padEnd(44)} p50 ${r.p50.toFixed(1).padStart(6)} ms x${(r.p50 / base.p50).toFixed(2)}` +
          `   p99 ${r.p99.toFixed(1).padStart(6)} ms x${(r.p99 / base.p99).toFixed(2)}   rows/page ${r.rows.toFixed(1)}`,
      );
      process.stdout.write(
        `\nWorkflow lists over ${INSTANCES} instances and ${USERS} users, ${samples} sequential requests each\n` +
          `${lines.join('\n')}\n`,
      );
      for (const r of results) expect(r.rows).toBeGreaterThan(0);
    },
    suiteTimeoutMs(settings, VARIANTS.length),
  );

  it(
    'the plans',
    async () => {
      const versions = [PURCHASE_REQUEST_DEFINITION, ACCESS_REQUEST_DEFINITION].map((document) => {
        const result = validateDefinition(document);
        if (!result.valid) throw new Error('invalid');
        return { key: document.key, version: 1, definition: result.definition };
      });
      const approver = people.approver[7].id;
      const plans: string[] = [];
      for (const [name, scope] of [
        ['approver, waiting for me', listScope(versions, { userId: approver, roles: ['approver'] }, true)],
        ['approver, list', listScope(versions, { userId: approver, roles: ['approver'] }, false)],
      ] as const) {
        const { text, values } = buildInstanceListQuery({ scope, limit: 51 });
        const plan = await db.query<{ 'QUERY PLAN': string }[]>(
          `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${text}`,
          values,
        );
        plans.push(`-- ${name}\n${plan.map((row) => row['QUERY PLAN']).join('\n')}`);
      }
      process.stdout.write(`\n${plans.join('\n\n')}\n`);
      expect(plans.join('\n')).toContain('Index');
    },
    suiteTimeoutMs(settings, 1),
  );
});
