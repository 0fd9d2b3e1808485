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

/** Principal and revocations (one MGET), rate limit (script), idempotency marker taken and released. */
const REDIS_COMMANDS = ['mget', 'evalsha', 'eval', 'eval'];

interface Traffic {
  readonly statements: string[];
  readonly redisCommands: string[];
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
      return {
        statements: statements.mock.calls.map(([config]) =>
          typeof config === 'string' ? config : (config as { text: string }).text,
        ),
        redisCommands: redisCommands.mock.calls.map(([command]) => command.name),
      };
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

    const verbs = traffic.statements.map((sql) => sql.trim().split(/\s+/)[0].toUpperCase());
    expect({ statements: verbs, redis: traffic.redisCommands }).toEqual({
      statements: ['SELECT', 'START', 'SELECT', 'WITH', 'INSERT', 'INSERT', 'COMMIT'],
      redis: REDIS_COMMANDS,
    });
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
  });
});
