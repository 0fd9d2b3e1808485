import { Client } from 'pg';
import { idempotencyKey, unwrap } from '@flowgate/sdk';
import { RedisConnection } from '@flowgate/core';
import { accountsFor, type TestAccount, type TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';

/**
 * What one transition costs in round trips (issue 15), pinned so that it cannot grow unnoticed:
 * every round trip the app makes to PostgreSQL (one `pg` query is one round trip: node-postgres
 * sends the next only after the previous answered; a unit of work's connection sends several
 * statements in one, listed here by their first words) and every command it sends to Redis, for one
 * `POST /v1/workflows/{id}/transitions` on a warm instance (definition cached, principal cached,
 * scripts loaded). A change that adds one makes this fail with the full list to review; one that
 * removes one updates the numbers here and in docs/performance.md ("Write path").
 *
 * Redis: the caller's work before the response — principal lookup, rate-limit counters,
 * idempotency marker — is one script (ADR 28), so one command and one round trip. The marker is
 * not released once the answer is stored: it runs out its lease (docs/traffic.md).
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
 * (EVALSHA), before the first statement, and nothing after.
 */
const REDIS_COMMANDS = ['evalsha'];
/** Long enough for a command sent after the response (as the marker's release once was) to show. */
const AFTER_THE_RESPONSE_MS = 250;

interface Traffic {
  /** Each PostgreSQL round trip as the first words of the statements it carried. */
  readonly roundTrips: string[][];
  readonly redisCommands: string[];
  /** Both in the order sent: round trips by their statements' first words, joined with `+`; Redis commands as `redis <name>`. */
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
   * Records what the app sends while `work` runs (the test itself sends only HTTP), and for a
   * moment after it: work the app does once it has answered counts too.
   */
  async function recorded(work: () => Promise<void>): Promise<Traffic> {
    const statements = jest.spyOn(Client.prototype, 'query');
    const redisCommands = jest.spyOn(testApp.app.get(RedisConnection).client!, 'sendCommand');
    try {
      await work();
      await new Promise((resolve) => setTimeout(resolve, AFTER_THE_RESPONSE_MS));
      const roundTrips = statements.mock.calls.map(([config]) => statementsOf(config).map(verbOf));
      const names = redisCommands.mock.calls.map(([command]) => command.name);
      // Jest numbers every call to every mock in one sequence: merged, they give the order sent.
      const timeline = [
        ...roundTrips.map((verbs, i) => ({ at: statements.mock.invocationCallOrder[i], what: verbs.join('+') })),
        ...names.map((name, i) => ({ at: redisCommands.mock.invocationCallOrder[i], what: `redis ${name}` })),
      ]
        .sort((a, b) => a.at - b.at)
        .map((event) => event.what);
      return { roundTrips, redisCommands: names, timeline };
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

    const traffic = await recorded(() => touch(workflow.id));

    expect({ postgres: traffic.roundTrips, redis: traffic.redisCommands }).toEqual({
      postgres: [
        ['START', 'SELECT', 'SELECT'], // the opening, the instance's lock and past, the stored answer's lookup
        // held writes — the step (state, participants, history, outbox), the audit event, the
        // idempotency record — and the commit
        ['WITH', 'INSERT', 'DELETE', 'INSERT', 'COMMIT'],
      ],
      redis: REDIS_COMMANDS,
    });
    // One Redis round trip before the work, none inside it or after it.
    expect(traffic.timeline).toEqual(['redis evalsha', ...traffic.roundTrips.map((verbs) => verbs.join('+'))]);
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

    const traffic = await recorded(read);
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
    });
    expect(replayed?.headers.get('idempotent-replayed')).toBe('true');
    expect({ postgres: traffic.roundTrips, redis: traffic.redisCommands }).toEqual({
      postgres: [['SELECT']],
      redis: REDIS_COMMANDS,
    });
    expect(traffic.timeline).toEqual(['redis evalsha', 'SELECT']);
  });
});

/** The statements one `pg` query call carried: its text, or each of a unit's pipelined statements. */
function statementsOf(config: unknown): string[] {
  if (typeof config === 'string') return [config];
  const { text, statements } = config as { text: string; statements?: { text: string }[] };
  return statements?.map((statement) => statement.text) ?? [text];
}

function verbOf(sql: string): string {
  return sql.trim().split(/\s+/)[0].toUpperCase();
}
