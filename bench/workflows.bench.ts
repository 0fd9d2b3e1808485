import { randomUUID } from 'node:crypto';
import { Pool, PoolClient } from 'pg';
import { loadConfig } from '@flowgate/core';
import { benchSettings, suiteTimeoutMs } from './support/bench-settings';
import { compare, interleaveRuns, Measurement, measure, Target, VariantResult } from './support/measure';
import { DEV_IDENTITY_API_ENV } from './support/production-env';
import { API_ENTRY, BARE_ENTRY, ServerProcess, startServerProcess } from './support/server-process';
import { conditionalLoopDefinition, loopDefinition } from './support/loop-definition';
import { measureSql } from './support/sql-load';
import { callApi, devTokenFrom } from './support/api-calls';

const LOOP_DEFINITION = loopDefinition('bench-loop', 'Benchmark loop');
const CONDITIONAL_LOOP = conditionalLoopDefinition('bench-loop-when', 'Benchmark loop with a condition');

interface Variant {
  readonly name: string;
  /** One measured (or warm-up) run; fresh state (a new instance) is made per run where it matters. */
  run(seconds: number): Promise<Measurement>;
}

/**
 * The two workflow operations users wait on, each beside its floor measured in the same run:
 * - `GET /v1/workflows/{id}` (authenticated, through the whole pipeline) against a bare
 *   NestJS-on-Express route returning a constant;
 * - `POST /v1/workflows/{id}/transitions` (token, rate limit, idempotency marker and record,
 *   row lock, history, outbox, audit chain) against the same transaction's SQL sent straight from
 *   `pg` clients, with nothing else.
 * Targets (issue 6): read ≥ 0.5 × bare route, transition ≥ 0.5 × raw SQL. Each transition run
 * starts on a new instance, so the history the engine reads stays the same size in every run.
 *
 * Both servers run as they ship, each in a process of its own on plain Node: the API from its
 * production build (`npm run bench` builds it first), the bare route from
 * `support/bare-server.js`. Inside jest's VM context every request of the API paid a tax the
 * bare route, running far less code, hardly did (see bench/README.md).
 */
describe('Workflows', () => {
  const settings = benchSettings();
  let api: ServerProcess;
  let bare: ServerProcess;
  let pool: Pool;
  let requester: string;
  let requesterId: string;

  beforeAll(async () => {
    [api, bare] = await Promise.all([
      startServerProcess(API_ENTRY, DEV_IDENTITY_API_ENV),
      startServerProcess(BARE_ENTRY),
    ]);
    pool = new Pool({ connectionString: loadConfig().database.url, max: settings.connections });
    const admin = `Bearer ${await devToken({ user: 'bench-admin', roles: ['admin'], stepUp: true })}`;
    requester = `Bearer ${await devToken({ user: 'bench-requester', roles: ['requester'] })}`;
    for (const definition of [LOOP_DEFINITION, CONDITIONAL_LOOP]) {
      const published = await call('POST', '/v1/workflow-definitions', admin, definition);
      expect(published.status).toBe(201);
    }
    requesterId = ((await (await call('GET', '/v1/me', requester)).json()) as { id: string }).id;
  });

  afterAll(async () => {
    await pool?.end();
    await Promise.all([bare?.stop(), api?.stop()]);
  });

  const devToken = (body: { user: string; roles: string[]; stepUp?: boolean }) => devTokenFrom(api.url, body);
  const call = (method: string, path: string, auth: string, body?: unknown) =>
    callApi(api.url, method, path, auth, body);

  async function newInstance(definitionKey = LOOP_DEFINITION.key, data?: Record<string, unknown>): Promise<string> {
    const res = await call('POST', '/v1/workflows', requester, { definitionKey, ...(data ? { data } : {}) });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  const http = (target: () => Promise<Target>): Variant['run'] => {
    return async (seconds) => measure(await target(), { connections: settings.connections, seconds });
  };

  it(
    'read vs bare route, transition vs raw SQL',
    async () => {
      const readId = await newInstance();
      const variants: Variant[] = [
        { name: 'bare NestJS route (constant)', run: http(async () => ({ name: 'bare', url: bare.url })) },
        {
          name: 'GET /v1/workflows/{id}',
          run: http(async () => ({
            name: 'read',
            url: `${api.url}/v1/workflows/${readId}`,
            headers: { Authorization: requester },
          })),
        },
        {
          name: 'raw SQL of one transition',
          run: async (seconds) => {
            const instanceId = await newInstance();
            return measureSql(pool, (client) => transitionSql(client, instanceId, requesterId), {
              connections: settings.connections,
              seconds,
            });
          },
        },
        {
          name: 'POST /v1/workflows/{id}/transitions',
          run: http(async () => ({
            name: 'transition',
            url: `${api.url}/v1/workflows/${await newInstance()}/transitions`,
            method: 'POST',
            headers: { Authorization: requester, 'Content-Type': 'application/json', 'Idempotency-Key': '[<id>]' },
            body: JSON.stringify({ name: 'touch' }),
            idReplacement: true,
          })),
        },
      ];
      const [bareRoute, read, rawSql, transition] = await interleaveVariants(variants);
      process.stdout.write('\n');
      const [readRatio] = compare(bareRoute, [read], 'Workflow read vs a bare NestJS route');
      const [transitionRatio] = compare(rawSql, [transition], 'Workflow transition vs its raw SQL');
      process.stdout.write(
        `\nTargets: read ≥ 0.50 × bare route: ${readRatio.requestsPerSecondRatio.toFixed(2)}; ` +
          `transition ≥ 0.50 × raw SQL: ${transitionRatio.requestsPerSecondRatio.toFixed(2)}\n`,
      );
      expect(Object.keys(read.statusCodes)).toEqual(['200']);
      expect(Object.keys(transition.statusCodes)).toEqual(['200']);
      expect(rawSql.errors).toBe(0);
    },
    suiteTimeoutMs(settings, 4),
  );

  it(
    'a transition whose `when` must hold vs the same transition without one',
    async () => {
      const transitionOn = (name: string, instance: () => Promise<string>): Variant => ({
        name,
        run: http(async () => ({
          name,
          url: `${api.url}/v1/workflows/${await instance()}/transitions`,
          method: 'POST',
          headers: { Authorization: requester, 'Content-Type': 'application/json', 'Idempotency-Key': '[<id>]' },
          body: JSON.stringify({ name: 'touch' }),
          idReplacement: true,
        })),
      });
      const [plain, conditional] = await interleaveVariants([
        transitionOn('POST …/transitions, no condition', () => newInstance()),
        transitionOn('POST …/transitions, `when` on data and instance', () =>
          newInstance(CONDITIONAL_LOOP.key, { amount: 1200 }),
        ),
      ]);
      process.stdout.write('\n');
      compare(plain, [conditional], 'A transition with a condition vs without (issue 16)');
      expect(Object.keys(plain.statusCodes)).toEqual(['200']);
      expect(Object.keys(conditional.statusCodes)).toEqual(['200']);
    },
    suiteTimeoutMs(settings, 2),
  );

  /** Like `interleave`, for variants that are not all autocannon targets. */
  function interleaveVariants(variants: readonly Variant[]): Promise<VariantResult[]> {
    return interleaveRuns(
      variants.map((variant) => ({
        target: { name: variant.name, url: '' },
        run: (seconds: number) => variant.run(seconds),
      })),
      settings,
    );
  }
});

/**
 * The statements `POST /v1/workflows/{id}/transitions` runs for one `touch`, in the same order
 * and transaction: lock the instance, read its history, update it, append history and outbox,
 * insert the audit event (unsealed: the worker chains it later), store the idempotency record.
 */
async function transitionSql(client: PoolClient, instanceId: string, actorId: string): Promise<void> {
  await client.query('BEGIN');
  await client.query(
    `SELECT id, definition_key, definition_version, state, terminal, data, initiator_id, version, created_at, updated_at
     FROM workflow_instances WHERE id = $1 FOR UPDATE`,
    [instanceId],
  );
  const { rows } = await client.query<{ seq: number }>(
    'SELECT seq, kind, transition, actor_id FROM workflow_history WHERE instance_id = $1 ORDER BY seq',
    [instanceId],
  );
  await client.query(
    `UPDATE workflow_instances SET state = 'open', terminal = false, version = version + 1, updated_at = now()
     WHERE id = $1 RETURNING id, version`,
    [instanceId],
  );
  await client.query(
    `INSERT INTO workflow_history (instance_id, seq, kind, transition, from_state, to_state, actor_id, input, comment)
     VALUES ($1, $2, 'moved', 'touch', 'open', 'open', $3, NULL, NULL)`,
    [instanceId, rows.length + 1, actorId],
  );
  await client.query(
    `INSERT INTO outbox_events (topic, aggregate_type, aggregate_id, payload) VALUES ('workflow.transitioned', 'workflow', $1, $2)`,
    [instanceId, JSON.stringify({ workflowId: instanceId, transition: 'touch', from: 'open', to: 'open' })],
  );
  await client.query(
    `INSERT INTO audit_events (id, occurred_at, actor_type, actor_tenant_id, actor_object_id, actor_name, action,
       resource_type, resource_id, outcome, before, after, request_id, client_ip, user_agent)
     VALUES ($1, now(), 'user', 'bench', 'bench', 'bench', 'workflow.transitioned', 'workflow', $2,
       'succeeded', '{"state":"open"}', '{"state":"open"}', NULL, '127.0.0.1', NULL)`,
    [randomUUID(), instanceId],
  );
  await client.query(
    `INSERT INTO idempotency_records (principal, method, route, idempotency_key, fingerprint, status, headers, body,
       created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, 200, '{}', '{"outcome":"moved"}', now(), now() + interval '1 day')
     ON CONFLICT (principal, method, route, idempotency_key) DO UPDATE SET expires_at = EXCLUDED.expires_at
       WHERE idempotency_records.expires_at <= now()
     RETURNING 1`,
    ['bench', 'POST', '/v1/workflows/:id/transitions', randomUUID(), 'f'.repeat(64)],
  );
  await client.query('COMMIT');
}
