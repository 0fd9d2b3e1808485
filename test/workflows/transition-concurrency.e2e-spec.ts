import { randomBytes } from 'node:crypto';
import { idempotencyKey, ifMatch, unwrap, type Schemas } from '@flowgate/sdk';
import { TestApp, accountsFor, SignIn, TestAccount } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';
import type { WorkflowDefinitionDocument } from '@flowgate/workflows';

/**
 * Concurrent transitions on one instance (DESIGN §5): exactly one wins, the others get 409 (or 412
 * with a stale If-Match), never 500; the version advances once per win and the history has one
 * entry per win. Each request carries its own Idempotency-Key, so the idempotency layer lets every
 * one of them through to the row lock. Driven through the SDK, as a client team would.
 */

const CONCURRENCY = 50;

type Workflow = Schemas['WorkflowDto'];
type TransitionResult = Schemas['TransitionResultDto'];

/** What the SDK resolves a transition call to: the result, or a problem, and the response. */
interface Answer {
  readonly data?: TransitionResult;
  readonly error?: { readonly code?: string } & Record<string, unknown>;
  readonly response: Response;
}

/** draft -submit-> open; `note` loops on open; `close` ends it; `ratify` ends it with three votes. */
function ticketDocument(key: string): WorkflowDefinitionDocument {
  return {
    key,
    title: 'Ticket',
    states: [{ name: 'draft', initial: true }, { name: 'open' }, { name: 'closed', terminal: true }],
    transitions: [
      { name: 'submit', from: 'draft', to: 'open', role: 'requester' },
      { name: 'note', from: 'open', to: 'open', role: 'requester' },
      { name: 'close', from: 'open', to: 'closed', role: 'requester' },
      { name: 'ratify', from: 'open', to: 'closed', role: 'approver', quorum: 3 },
    ],
  };
}

/** How many answers had each status (and problem code). */
function tally(answers: Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { response, error } of answers) {
    const label = response.status === 200 ? '200' : `${response.status} ${error?.code}`;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

describe('Concurrent transitions on one instance', () => {
  let testApp: TestApp;
  let account: SignIn;
  let requester: TestAccount;
  const suffix = randomBytes(4).toString('hex');
  const key = `wf-conc-${suffix}`;

  beforeAll(async () => {
    testApp = await createTestApp();
    account = accountsFor(testApp, 'wf-conc');
    const admin = await account('admin', ['admin']);
    requester = await account('requester', ['requester']);
    await unwrap(admin.client.POST('/v1/workflow-definitions', { body: ticketDocument(key) as never }));
  });

  afterAll(() => testApp?.close());

  const start = (): Promise<Workflow> =>
    unwrap(
      requester.client.POST('/v1/workflows', { params: { header: idempotencyKey() }, body: { definitionKey: key } }),
    );

  const take = (as: TestAccount, id: string, name: string, etag?: string): Promise<Answer> =>
    as.client.POST('/v1/workflows/{id}/transitions', {
      params: { path: { id }, header: { ...idempotencyKey(), ...(etag === undefined ? {} : ifMatch(etag)) } },
      body: { name },
    });

  /** Takes a transition that must succeed. */
  const moved = async (as: TestAccount, id: string, name: string): Promise<void> => {
    const answer = await take(as, id, name);
    expect(answer.response.status).toBe(200);
  };

  /** Fires `count` requests at once and waits for every answer. */
  const burst = (count: number, send: () => Promise<Answer>) => Promise.all(Array.from({ length: count }, send));

  async function current(id: string): Promise<{ workflow: Workflow; etag: string; history: number }> {
    const read = await requester.client.GET('/v1/workflows/{id}', { params: { path: { id } } });
    const history = await unwrap(
      requester.client.GET('/v1/workflows/{id}/history', { params: { path: { id }, query: { top: 200 } } }),
    );
    return { workflow: read.data!, etag: read.response.headers.get('etag')!, history: history.value.length };
  }

  it(`lets exactly one of ${CONCURRENCY} identical moves win; the others get 409, and nothing is written twice`, async () => {
    const workflow = await start();
    const before = await current(workflow.id);

    const responses = await burst(CONCURRENCY, () => take(requester, workflow.id, 'submit'));
    expect(tally(responses)).toEqual({ '200': 1, '409 transition_not_allowed': CONCURRENCY - 1 });
    const winner = responses.find((answer) => answer.response.status === 200)!;
    expect(winner.data!.workflow).toMatchObject({ state: 'open', version: before.workflow.version + 1 });
    for (const { error } of responses.filter((other) => other.response.status === 409)) {
      expect(error).toMatchObject({ state: 'open', allowedTransitions: ['note', 'close', 'ratify'] });
    }

    const after = await current(workflow.id);
    expect(after.workflow).toMatchObject({ state: 'open', version: before.workflow.version + 1 });
    expect(after.history).toBe(before.history + 1);
  });

  it(`lets exactly one of ${CONCURRENCY} writers holding the same ETag win; the others get 412`, async () => {
    const workflow = await start();
    await moved(requester, workflow.id, 'submit');
    const before = await current(workflow.id);

    // `note` loops on its state: without If-Match every one of them would be allowed.
    const responses = await burst(CONCURRENCY, () => take(requester, workflow.id, 'note', before.etag));
    expect(tally(responses)).toEqual({ '200': 1, '412 precondition_failed': CONCURRENCY - 1 });
    const winner = responses.find((answer) => answer.response.status === 200)!;
    expect(winner.response.headers.get('etag')).toBe(`"${before.workflow.version + 1}"`);
    for (const { error } of responses.filter((other) => other.response.status === 412)) {
      expect(error?.currentETag).toBe(`"${before.workflow.version + 1}"`);
    }

    const after = await current(workflow.id);
    expect(after.workflow).toMatchObject({ state: 'open', version: before.workflow.version + 1 });
    expect(after.history).toBe(before.history + 1);

    // A second round with the ETag the first round left behind: again exactly one.
    const second = await burst(CONCURRENCY, () => take(requester, workflow.id, 'note', after.etag));
    expect(tally(second)).toEqual({ '200': 1, '412 precondition_failed': CONCURRENCY - 1 });
    const last = await current(workflow.id);
    expect(last.workflow.version).toBe(after.workflow.version + 1);
    expect(last.history).toBe(after.history + 1);
  });

  it(`serialises ${CONCURRENCY} allowed loops without If-Match: all apply, each at its own version`, async () => {
    const workflow = await start();
    await moved(requester, workflow.id, 'submit');
    const before = await current(workflow.id);

    const responses = await burst(CONCURRENCY, () => take(requester, workflow.id, 'note'));
    expect(tally(responses)).toEqual({ '200': CONCURRENCY });
    const versions = responses.map((answer) => answer.data!.workflow.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: CONCURRENCY }, (_, i) => before.workflow.version + 1 + i));

    const after = await current(workflow.id);
    expect(after.workflow.version).toBe(before.workflow.version + CONCURRENCY);
    expect(after.history).toBe(before.history + CONCURRENCY);
  });

  it(`lets exactly one of ${CONCURRENCY} moves into a terminal state win; the others get 409 with nothing allowed`, async () => {
    const workflow = await start();
    await moved(requester, workflow.id, 'submit');
    const before = await current(workflow.id);

    const responses = await burst(CONCURRENCY, () => take(requester, workflow.id, 'close'));
    expect(tally(responses)).toEqual({ '200': 1, '409 transition_not_allowed': CONCURRENCY - 1 });
    for (const { error } of responses.filter((other) => other.response.status === 409)) {
      expect(error).toMatchObject({ state: 'closed', allowedTransitions: [] });
    }
    const after = await current(workflow.id);
    expect(after.workflow).toMatchObject({ state: 'closed', terminal: true, version: before.workflow.version + 1 });
    expect(after.history).toBe(before.history + 1);
  });

  // The losers could see the instance only because they could vote on it; once it is closed they
  // cannot, and an instance one may not see is 404 (docs/workflows.md "Who may do what").
  it('counts concurrent votes of distinct approvers once each: two votes, one move, the rest refused', async () => {
    const approvers = await Promise.all(Array.from({ length: 10 }, (_, i) => account(`approver-${i}`, ['approver'])));
    const workflow = await start();
    await moved(requester, workflow.id, 'submit');
    const before = await current(workflow.id);

    const responses = await Promise.all(approvers.map((approver) => take(approver, workflow.id, 'ratify')));
    expect(tally(responses)).toEqual({ '200': 3, '404 not_found': 7 });
    const outcomes = responses
      .filter((answer) => answer.response.status === 200)
      .map(({ data }) => `${data!.outcome} ${data!.votes ?? '-'}/${data!.required ?? '-'}`)
      .sort();
    expect(outcomes).toEqual(['moved -/-', 'voted 1/3', 'voted 2/3']);

    const after = await current(workflow.id);
    expect(after.workflow).toMatchObject({ state: 'closed', terminal: true, version: before.workflow.version + 3 });
    expect(after.history).toBe(before.history + 3);
  });
});
