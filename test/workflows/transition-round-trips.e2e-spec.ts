import { Client } from 'pg';
import { idempotencyKey, unwrap } from '@flowgate/sdk';
import { RedisConnection } from '@flowgate/core';
import { accountsFor, eventually, type TestAccount, type TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

/**
 * What one transition costs in round trips (issue 15), pinned so that it cannot grow unnoticed:
 * every statement the app sends to PostgreSQL (one `pg` query is one round trip: node-postgres
 * sends the next only after the previous answered) and every command it sends to Redis, for one
 * `POST /v1/workflows/{id}/transitions` on a warm instance (definition cached, principal cached,
 * scripts loaded). A change that adds one makes this fail with the full list to review; one that
 * removes one updates the numbers here and in docs/performance.md ("Write path").
 *
 * Redis: the caller's work before the response — principal lookup, rate-limit counters,
 * idempotency marker — is one script (ADR 28), so one command and one round trip; the marker's
 * release follows the response.
 */

/** A loop: `touch` stays in `open`, so one instance takes transitions forever. */
const LOOP = (key: string) => ({
  key,
  title: 'Round-trip loop',
  states: [
    { name: 'open', initial: true },
    { name: 'closed', terminal: true },
  ],
  transitions: [
    { name: 'touch', from: 'open', to: 'open', role: 'requester' },
    { name: 'close', from: 'open', to: 'closed', role: 'requester' },
  ],
});

/**
 * Principal and revocations, the rate-limit counter and the idempotency marker: one script
 * (EVALSHA), before the first statement; the marker's release (EVAL) once the answer is stored,
 * which the response does not wait for.
 */
const REDIS_COMMANDS = ['evalsha', 'eval'];

interface Traffic {
  readonly statements: string[];
  readonly redisCommands: string[];
  /** Both in the order sent: statements by their first word, Redis commands as `redis <name>`. */
  readonly timeline: string[];
}

describe('Round trips of one transition', () => {
  let testApp: TestApp;
  let requester: TestAccount;
  const key = `wf-rt-${Date.now().toString(36)}`;

  beforeAll(async () => {
    testApp = await createTestApp();
    const account = accountsFor(testApp, 'wf-rt');
    const admin = await account('admin', ['admin']);
    requester = await account('requester', ['requester']);
    await unwrap(admin.client.POST('/v1/workflow-definitions', { body: LOOP(key) as never }));
  });

  afterAll(() => testApp?.close());

  /**
   * Records what the app sends while `work` runs (the test itself sends only HTTP), and until
   * `redisCommandsAtLeast` Redis commands were sent: the marker's release follows the response.
   */
  async function recorded(work: () => Promise<void>, redisCommandsAtLeast: number): Promise<Traffic> {
    const statements = jest.spyOn(Client.prototype, 'query');
    const redisCommands = jest.spyOn(testApp.app.get(RedisConnection).client!, 'sendCommand');
    try {
      await work();
      await eventually(async () =>
        expect(redisCommands.mock.calls.length).toBeGreaterThanOrEqual(redisCommandsAtLeast),
      );
      const sql = statements.mock.calls.map(([config]) =>
        typeof config === 'string' ? config : (config as { text: string }).text,
      );
      const names = redisCommands.mock.calls.map(([command]) => command.name);
      // Jest numbers every call to every mock in one sequence: merged, they give the order sent.
      const timeline = [
        ...sql.map((text, i) => ({ at: statements.mock.invocationCallOrder[i], what: verbOf(text) })),
        ...names.map((name, i) => ({ at: redisCommands.mock.invocationCallOrder[i], what: `redis ${name}` })),
      ]
        .sort((a, b) => a.at - b.at)
        .map((event) => event.what);
      return { statements: sql, redisCommands: names, timeline };
    } finally {
      statements.mockRestore();
      redisCommands.mockRestore();
    }
  }

  const touch = async (id: string): Promise<void> => {
    const answer = await requester.client.POST('/v1/workflows/{id}/transitions', {
      params: { path: { id }, header: idempotencyKey() },
      body: { name: 'touch' },
    });
    expect(answer.response.status).toBe(200);
  };

  it('sends PostgreSQL and Redis no more than the pinned round trips', async () => {
    const workflow = await unwrap(
      requester.client.POST('/v1/workflows', { params: { header: idempotencyKey() }, body: { definitionKey: key } }),
    );
    await touch(workflow.id); // warms the definition cache and the scripts

    const traffic = await recorded(() => touch(workflow.id), REDIS_COMMANDS.length);

    const verbs = traffic.statements.map(verbOf);
    expect({ statements: verbs, redis: traffic.redisCommands }).toEqual({
      statements: ['SELECT', 'START', 'SELECT', 'WITH', 'INSERT', 'INSERT', 'COMMIT'],
      redis: REDIS_COMMANDS,
    });
    // One Redis round trip before the work, none inside it; the release after the commit.
    expect(traffic.timeline).toEqual(['redis evalsha', ...verbs, 'redis eval']);
  });

  it('reads a workflow with one Redis round trip: principal and rate-limit counter in one script', async () => {
    const workflow = await unwrap(
      requester.client.POST('/v1/workflows', { params: { header: idempotencyKey() }, body: { definitionKey: key } }),
    );
    const read = async () => {
      const answer = await requester.client.GET('/v1/workflows/{id}', { params: { path: { id: workflow.id } } });
      expect(answer.response.status).toBe(200);
    };
    await read();

    const traffic = await recorded(read, 1);
    expect(traffic.redisCommands).toEqual(['evalsha']);
    expect(traffic.timeline[0]).toBe('redis evalsha');
  });

  it('adds no round trip to a replay beyond the stored answer', async () => {
    const workflow = await unwrap(
      requester.client.POST('/v1/workflows', { params: { header: idempotencyKey() }, body: { definitionKey: key } }),
    );
    const header = idempotencyKey();
    const send = () =>
      requester.client.POST('/v1/workflows/{id}/transitions', {
        params: { path: { id: workflow.id }, header },
        body: { name: 'touch' },
      });
    expect((await send()).response.status).toBe(200);

    let replayed: Response | undefined;
    const traffic = await recorded(async () => {
      replayed = (await send()).response;
    }, REDIS_COMMANDS.length);
    expect(replayed?.headers.get('idempotent-replayed')).toBe('true');
    expect({ statements: traffic.statements.length, redis: traffic.redisCommands }).toEqual({
      statements: 1,
      redis: REDIS_COMMANDS,
    });
    expect(traffic.timeline).toEqual(['redis evalsha', 'SELECT', 'redis eval']);
  });
});

function verbOf(sql: string): string {
  return sql.trim().split(/\s+/)[0].toUpperCase();
}
