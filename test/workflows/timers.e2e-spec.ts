import type { Role } from '@flowgate/auth';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '@flowgate/audit';
import type { FlowgateClient } from '@flowgate/sdk';
import { eventually, type TestApp, accountsFor } from '@flowgate/testing';
import { type WorkflowDefinitionDocument, WorkflowTimersJob } from '@flowgate/workflows';
import { createTestApp } from '../support/create-test-app';
import { type DatabaseOfItsOwn, databaseOfItsOwn } from '../support/database-of-its-own';
import { createTestWorker, type TestWorker } from '../support/create-test-worker';

/**
 * Timers (DESIGN §5, docs/workflows.md "Timers"): armed in the unit of work that enters a state,
 * cancelled by a person's move out of it, re-armed on re-entry, left alone by votes, shown on the
 * workflow, and fired by the worker as the system actor with the state, history, audit and outbox
 * records of one unit of work; three workers fire each timer once. Crashes and shutdown:
 * test/multi-instance/worker-processes.e2e-spec.ts.
 */

const DAY_MS = 86_400_000;

/** open -submit-> waiting -approve (quorum 2)-> done; timers: auto_submit, escalate, expire. */
function leaveDocument(key: string): WorkflowDefinitionDocument {
  return {
    key,
    title: 'Leave request with timers',
    visibility: 'authenticated',
    states: [
      { name: 'open', initial: true },
      { name: 'waiting' },
      { name: 'escalated' },
      { name: 'done', terminal: true },
      { name: 'expired', terminal: true },
    ],
    transitions: [
      { name: 'submit', from: 'open', to: 'waiting', role: 'requester' },
      { name: 'auto_submit', from: 'open', to: 'waiting', role: 'admin', timer: 'P7D' },
      { name: 'approve', from: ['waiting', 'escalated'], to: 'done', role: 'approver', quorum: 2 },
      { name: 'recheck', from: 'waiting', to: 'waiting', role: 'approver' },
      // Rules no person could meet here: the system is not held to them.
      {
        name: 'escalate',
        from: 'waiting',
        to: 'escalated',
        role: 'admin',
        stepUp: true,
        actor: 'assignee',
        timer: 'P1D',
      },
      { name: 'expire', from: ['waiting', 'escalated'], to: 'expired', role: 'admin', timer: 'P2D' },
    ],
  };
}

interface TimerRow {
  readonly transition: string;
  readonly status: string;
  readonly entered_seq: number;
}

describe('Workflow timers', () => {
  let testApp: TestApp;
  let worker: TestWorker;
  let db: DataSource;
  let database: DatabaseOfItsOwn | undefined;
  let requester: FlowgateClient;
  let approver1: FlowgateClient;
  let approver2: FlowgateClient;
  const suffix = randomUUID().slice(0, 8);
  const key = `timers-${suffix}`;
  const idempotencyKey = () => ({ 'Idempotency-Key': randomUUID() });

  beforeAll(async () => {
    database = await databaseOfItsOwn('timers');
    testApp = await createTestApp({ env: database.env });
    worker = await createTestWorker(database.env);
    db = testApp.app.get(DataSource);
    const signIn = accountsFor(testApp, 'timers');
    const client = async (name: string, roles: Role[], stepUp = false) =>
      (await signIn(name, roles, { stepUp })).client;
    const admin = await client('admin', ['admin'], true);
    requester = await client('requester', ['requester']);
    approver1 = await client('approver1', ['approver']);
    approver2 = await client('approver2', ['approver']);
    const published = await admin.POST('/v1/workflow-definitions', { body: leaveDocument(key) as never });
    expect(published.response.status).toBe(201);
  });

  afterAll(async () => {
    await worker?.close();
    await testApp?.close();
    await database?.drop();
  });

  async function start(): Promise<string> {
    const started = await requester.POST('/v1/workflows', {
      params: { header: idempotencyKey() },
      body: { definitionKey: key },
    });
    expect(started.response.status).toBe(201);
    return started.data!.id;
  }

  async function take(as: FlowgateClient, id: string, name: string) {
    const taken = await as.POST('/v1/workflows/{id}/transitions', {
      params: { path: { id }, header: idempotencyKey() },
      body: { name },
    });
    expect(taken.response.status).toBe(200);
    return taken.data!;
  }

  const get = async (id: string) => (await requester.GET('/v1/workflows/{id}', { params: { path: { id } } })).data!;
  const history = async (id: string) =>
    (await requester.GET('/v1/workflows/{id}/history', { params: { path: { id }, query: { top: 200 } } })).data!.value;
  const timersOf = (id: string): Promise<TimerRow[]> =>
    db.query(
      `SELECT transition, status, entered_seq FROM workflow_timers WHERE instance_id = $1 ORDER BY entered_seq, transition`,
      [id],
    );
  /** Brings an instance's pending timer for `transition` to its due time, as if the days had passed. */
  const due = (id: string, transition: string) =>
    db.query(
      `UPDATE workflow_timers SET due_at = now() - interval '1 second' WHERE instance_id = $1 AND transition = $2 AND status = 'pending'`,
      [id, transition],
    );
  const fireDue = () => worker.app.get(WorkflowTimersJob).runOnce(new AbortController().signal);

  it('arms the initial state’s timers with the start, and shows them with the workflow', async () => {
    const started = await requester.POST('/v1/workflows', {
      params: { header: idempotencyKey() },
      body: { definitionKey: key },
    });
    const workflow = started.data!;
    expect(workflow.pendingTimers).toEqual([{ transition: 'auto_submit', dueAt: expect.any(String) }]);
    const dueAt = Date.parse(workflow.pendingTimers[0].dueAt);
    expect(dueAt - Date.parse(workflow.createdAt)).toBeGreaterThanOrEqual(7 * DAY_MS - 1_000);
    expect(dueAt - Date.parse(workflow.createdAt)).toBeLessThanOrEqual(7 * DAY_MS + 1_000);
    expect((await get(workflow.id)).pendingTimers).toEqual(workflow.pendingTimers);
  });

  it('cancels the left state’s timers on a person’s move and arms the new state’s, soonest first', async () => {
    const id = await start();
    const submitted = await take(requester, id, 'submit');
    expect(submitted.workflow.pendingTimers.map((timer) => timer.transition)).toEqual(['escalate', 'expire']);
    expect(await timersOf(id)).toEqual([
      { transition: 'auto_submit', status: 'cancelled', entered_seq: 1 },
      { transition: 'escalate', status: 'pending', entered_seq: 2 },
      { transition: 'expire', status: 'pending', entered_seq: 2 },
    ]);
    expect((await get(id)).pendingTimers).toEqual(submitted.workflow.pendingTimers);
  });

  it('leaves the timers alone on a quorum vote, and starts new ones when the state is entered again', async () => {
    const id = await start();
    const before = (await take(requester, id, 'submit')).workflow.pendingTimers;
    const voted = await take(approver1, id, 'approve');
    expect(voted.outcome).toBe('voted');
    expect(voted.workflow.pendingTimers).toEqual(before);

    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await take(approver2, id, 'recheck');
    expect(again.workflow.state).toBe('waiting');
    const after = again.workflow.pendingTimers;
    expect(after.map((timer) => timer.transition)).toEqual(['escalate', 'expire']);
    expect(Date.parse(after[0].dueAt)).toBeGreaterThan(Date.parse(before[0].dueAt));
    expect((await timersOf(id)).filter((timer) => timer.status === 'pending')).toEqual([
      { transition: 'escalate', status: 'pending', entered_seq: 4 },
      { transition: 'expire', status: 'pending', entered_seq: 4 },
    ]);
  });

  it('fires as the system actor: state, history, audit and outbox in one unit, and arms the next state’s timers', async () => {
    const id = await start();
    const submitted = (await take(requester, id, 'submit')).workflow;
    await due(id, 'escalate');

    expect(await fireDue()).toBe(1);

    const workflow = await get(id);
    expect(workflow).toMatchObject({ state: 'escalated', version: submitted.version + 1 });
    expect(workflow.pendingTimers.map((timer) => timer.transition)).toEqual(['expire']);
    expect((await history(id)).at(-1)).toMatchObject({
      kind: 'moved',
      transition: 'escalate',
      fromState: 'waiting',
      toState: 'escalated',
      actorType: 'system',
      actorId: null,
      input: null,
    });
    expect((await history(id)).at(0)).toMatchObject({ actorType: 'user' });
    const [audit] = await db.query(
      `SELECT actor_type, actor_object_id, after FROM audit_events
       WHERE resource_type = 'workflow' AND resource_id = $1 AND action = 'workflow.transitioned' AND after->>'transition' = 'escalate'`,
      [id],
    );
    expect(audit).toMatchObject({ actor_type: 'system', actor_object_id: null, after: { state: 'escalated' } });
    const [timer] = await db.query(
      `SELECT id, status FROM workflow_timers WHERE instance_id = $1 AND transition = 'escalate'`,
      [id],
    );
    expect(timer.status).toBe('fired');
    expect(audit.after.timer.id).toBe(timer.id);
    const [event] = await db.query(
      `SELECT payload FROM outbox_events WHERE aggregate_id = $1 AND topic = 'workflow.transitioned' AND payload->>'transition' = 'escalate'`,
      [id],
    );
    expect(event.payload).toMatchObject({
      actorType: 'system',
      actorId: null,
      from: 'waiting',
      to: 'escalated',
      timer: { id: timer.id },
    });
    // A second worker finds nothing: the timer fired once.
    expect(await fireDue()).toBe(0);
  });

  it('writes nothing when a firing fails, lets the timers due after it fire, and retries it after a delay', async () => {
    const poisoned = await start();
    await take(requester, poisoned, 'submit');
    const healthy = await start();
    await take(requester, healthy, 'submit');
    await due(healthy, 'expire');
    // The failing timer is the most overdue: the one every worker claims first.
    await db.query(
      `UPDATE workflow_timers SET due_at = now() - interval '1 hour' WHERE instance_id = $1 AND transition = 'expire' AND status = 'pending'`,
      [poisoned],
    );
    const audit = worker.app.get(AuditService, { strict: false });
    const record = audit.record.bind(audit);
    const failing = jest.spyOn(audit, 'record').mockImplementation(async (event, manager) => {
      if (event.resource.id === poisoned) throw new Error('audit store unavailable');
      return record(event, manager);
    });
    try {
      await fireDue();
      // Not retried at once: it waits for its next attempt, however often the worker polls.
      await fireDue();
    } finally {
      failing.mockRestore();
    }
    expect(await get(poisoned)).toMatchObject({ state: 'waiting' });
    expect((await history(poisoned)).map((line) => line.kind)).toEqual(['started', 'moved']);
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM outbox_events WHERE aggregate_id = $1 AND payload->>'transition' = 'expire'`,
      [poisoned],
    );
    expect(n).toBe(0);
    const [attempt] = await db.query(
      `SELECT status, attempts, retry_at > now() AS waiting FROM workflow_timers WHERE instance_id = $1 AND transition = 'expire'`,
      [poisoned],
    );
    expect(attempt).toEqual({ status: 'pending', attempts: 1, waiting: true });
    expect(await get(healthy)).toMatchObject({ state: 'expired', terminal: true });

    // Its delay over (5 s after the first failure), it fires.
    await db.query(`UPDATE workflow_timers SET retry_at = now() - interval '1 second' WHERE instance_id = $1`, [
      poisoned,
    ]);
    expect(await fireDue()).toBe(1);
    expect(await get(poisoned)).toMatchObject({ state: 'expired', terminal: true, pendingTimers: [] });
    expect((await history(poisoned)).at(-1)).toMatchObject({
      kind: 'moved',
      transition: 'expire',
      actorType: 'system',
    });
  });

  it('keeps a failing timer claimed until its failure is recorded: no other worker takes it at once', async () => {
    const id = await start();
    await take(requester, id, 'submit');
    await due(id, 'expire');
    const audit = worker.app.get(AuditService, { strict: false });
    const record = audit.record.bind(audit);
    const failing = jest.spyOn(audit, 'record').mockImplementation(async (event, manager) => {
      if (event.resource.id === id) throw new Error('audit store unavailable');
      return record(event, manager);
    });
    // The job's timers repository, internal to the library (reached through the job, whose
    // firing service holds it): spied on to look into the moment the failure is recorded.
    const firing = worker.app.get(WorkflowTimersJob)['firing'];
    const timers = firing['timers'];
    const recordFailure = timers.recordFailure.bind(timers);
    // What another worker's claim would find while the failure is being recorded.
    const claimable: number[] = [];
    const recording = jest.spyOn(timers, 'recordFailure').mockImplementation(async (timerId, delay) => {
      const free = await db.query(
        `SELECT id FROM workflow_timers WHERE instance_id = $1 AND transition = 'expire' AND status = 'pending' FOR UPDATE SKIP LOCKED`,
        [id],
      );
      claimable.push(free.length);
      return recordFailure(timerId, delay);
    });
    try {
      await fireDue();
    } finally {
      failing.mockRestore();
      recording.mockRestore();
    }
    expect(claimable).toEqual([0]);
    const [timer] = await db.query(
      `SELECT attempts, retry_at > now() AS waiting FROM workflow_timers WHERE instance_id = $1 AND transition = 'expire'`,
      [id],
    );
    expect(timer).toEqual({ attempts: 1, waiting: true });
    expect(await get(id)).toMatchObject({ state: 'waiting' });
  });

  it('a due timer held by a worker while a person moves on is cancelled by the worker, not fired', async () => {
    const id = await start();
    await due(id, 'auto_submit');
    // Hold the timer row as a firing worker would while the person's move commits: the move skips
    // it (waiting would deadlock against that worker, which waits for the instance next).
    const holder = db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await holder.query(`SELECT 1 FROM workflow_timers WHERE instance_id = $1 FOR UPDATE`, [id]);
      await take(requester, id, 'submit');
    } finally {
      await holder.rollbackTransaction();
      await holder.release();
    }
    expect((await timersOf(id))[0]).toEqual({ transition: 'auto_submit', status: 'pending', entered_seq: 1 });

    expect(await fireDue()).toBe(1);
    expect((await timersOf(id))[0]).toEqual({ transition: 'auto_submit', status: 'cancelled', entered_seq: 1 });
    expect((await history(id)).map((line) => line.actorType)).toEqual(['user', 'user']);
    expect(await get(id)).toMatchObject({ state: 'waiting' });
  });

  it('three workers side by side fire each due timer exactly once', async () => {
    const ids = await Promise.all(Array.from({ length: 24 }, () => start()));
    await db.query(
      `UPDATE workflow_timers SET due_at = now() - interval '1 second' WHERE instance_id = ANY($1) AND status = 'pending'`,
      [ids],
    );
    const workers = [worker, await createTestWorker(database!.env), await createTestWorker(database!.env)];
    try {
      workers.forEach((replica) => replica.runner.start());
      await eventually(async () => {
        const [{ pending }] = await db.query(
          `SELECT count(*)::int AS pending FROM workflow_timers WHERE instance_id = ANY($1) AND status = 'pending' AND transition = 'auto_submit'`,
          [ids],
        );
        expect(pending).toBe(0);
      }, 20_000);
    } finally {
      await Promise.all(workers.slice(1).map((replica) => replica.close()));
      await worker.runner.stop();
    }
    const rows: { id: string; state: string; fired: number; system_lines: number }[] = await db.query(
      `SELECT i.id, i.state,
              (SELECT count(*)::int FROM workflow_timers t WHERE t.instance_id = i.id AND t.status = 'fired') AS fired,
              (SELECT count(*)::int FROM workflow_history h WHERE h.instance_id = i.id AND h.actor_id IS NULL) AS system_lines
       FROM workflow_instances i WHERE i.id = ANY($1)`,
      [ids],
    );
    expect(rows).toHaveLength(24);
    expect(rows.every((row) => row.state === 'waiting' && row.fired === 1 && row.system_lines === 1)).toBe(true);
  });
});
