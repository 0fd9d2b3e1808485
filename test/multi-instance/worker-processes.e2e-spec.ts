import type { Role } from '@flowgate/auth';
import { randomUUID } from 'node:crypto';
import { DataSource, type QueryRunner } from 'typeorm';
import type { FlowgateClient } from '@flowgate/sdk';
import { eventually, type TestApp, accountsFor } from '@flowgate/testing';
import { type WorkflowDefinitionDocument, WorkflowTimersJob } from '@flowgate/workflows';
import { createTestApp } from '../support/create-test-app';
import { type DatabaseOfItsOwn, databaseOfItsOwn } from '../support/database-of-its-own';
import { createTestWorker } from '../support/create-test-worker';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

/**
 * The worker as a process (apps/worker/src/main.ts): a timer it was firing when it was SIGKILLed
 * is fired once by another worker; on SIGTERM it reports not ready, finishes the timer in hand and
 * exits 0. "In the middle" is made exact by holding the instance row from the test, so the worker
 * waits inside its unit of work, the timer claimed and the instance not yet locked.
 */
/**
 * Each test starts a worker process that transpiles the sources as it loads them (SWC,
 * test/support/ts-register.js: about 2 s; TypeScript's own transpiler took over 30 s on a loaded
 * machine). A slow start is no failure; the bound only stops a hang.
 */
const WORKER_PROCESS_TEST_TIMEOUT_MS = 120_000;

describe('Worker processes: SIGKILL and SIGTERM in the middle of a firing', () => {
  let testApp: TestApp;
  let db: DataSource;
  let database: DatabaseOfItsOwn | undefined;
  let requester: FlowgateClient;
  const suffix = randomUUID().slice(0, 8);
  const key = `worker-crash-${suffix}`;
  let child: WorkerProcess | undefined;

  const document: WorkflowDefinitionDocument = {
    key,
    title: 'Crash-tested timer',
    visibility: 'authenticated',
    states: [
      { name: 'open', initial: true },
      { name: 'closed', terminal: true },
    ],
    transitions: [{ name: 'close', from: 'open', to: 'closed', role: 'admin', timer: 'P1D' }],
  };

  beforeAll(async () => {
    database = await databaseOfItsOwn('worker_processes');
    testApp = await createTestApp({ env: database.env });
    db = testApp.app.get(DataSource);
    const signIn = accountsFor(testApp, 'worker-crash');
    const client = async (name: string, roles: Role[], stepUp = false) =>
      (await signIn(name, roles, { stepUp })).client;
    const published = await (
      await client('admin', ['admin'], true)
    ).POST('/v1/workflow-definitions', {
      body: document as never,
    });
    expect(published.response.status).toBe(201);
    requester = await client('requester', ['requester']);
  });

  // Dead before the next test: a worker process still exiting would fire (or fail) its timers.
  afterEach(async () => {
    if (child && child.child.exitCode === null && child.child.signalCode === null) {
      child.child.kill('SIGKILL');
      await child.exited;
    }
  });

  afterAll(async () => {
    await testApp?.close();
    await database?.drop();
  });

  /** An instance whose timer is due now. */
  async function dueInstance(): Promise<string> {
    const started = await requester.POST('/v1/workflows', {
      params: { header: { 'Idempotency-Key': randomUUID() } },
      body: { definitionKey: key },
    });
    const id = started.data!.id;
    await db.query(`UPDATE workflow_timers SET due_at = now() - interval '1 second' WHERE instance_id = $1`, [id]);
    return id;
  }

  /** Holds the instance row, as a long person's transition would, until released. */
  async function holdInstance(id: string): Promise<QueryRunner> {
    const holder = db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`SELECT 1 FROM workflow_instances WHERE id = $1 FOR UPDATE`, [id]);
    return holder;
  }

  async function release(holder: QueryRunner): Promise<void> {
    await holder.rollbackTransaction();
    await holder.release();
  }

  /** Until the worker's connection waits for the instance lock: the timer claimed, mid-firing. */
  const waitingForTheInstance = (applicationName: string) =>
    eventually(async () => {
      const [{ n }] = await db.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
        [applicationName],
      );
      expect(n).toBe(1);
    }, 60_000);

  async function firedOnce(id: string): Promise<void> {
    const [row] = await db.query(
      `SELECT i.state,
              (SELECT array_agg(t.status) FROM workflow_timers t WHERE t.instance_id = i.id) AS timers,
              (SELECT count(*)::int FROM workflow_history h WHERE h.instance_id = i.id AND h.actor_id IS NULL) AS system_lines,
              (SELECT count(*)::int FROM outbox_events o WHERE o.aggregate_id = i.id AND o.topic = 'workflow.transitioned') AS events
       FROM workflow_instances i WHERE i.id = $1`,
      [id],
    );
    expect(row).toEqual({ state: 'closed', timers: ['fired'], system_lines: 1, events: 1 });
  }

  it(
    'a worker SIGKILLed mid-firing commits nothing; another worker fires the timer exactly once',
    async () => {
      const id = await dueInstance();
      const name = `flowgate-worker-kill-${suffix}`;
      const holder = await holdInstance(id);
      try {
        child = await startWorkerProcess({ ...database!.env, WORKER_SERVICE_NAME: name });
        await waitingForTheInstance(name);
        child.child.kill('SIGKILL');
        expect(await child.exited).toBe('SIGKILL');
      } finally {
        await release(holder);
      }
      // The dead worker's session ends with its unit of work rolled back: the timer is free again.
      await eventually(async () => {
        const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1`, [
          name,
        ]);
        expect(n).toBe(0);
      });
      const [timer] = await db.query(`SELECT status FROM workflow_timers WHERE instance_id = $1`, [id]);
      expect(timer.status).toBe('pending');

      const survivor = await createTestWorker(database!.env);
      try {
        expect(await survivor.app.get(WorkflowTimersJob).runOnce(new AbortController().signal)).toBe(1);
      } finally {
        await survivor.close();
      }
      await firedOnce(id);
    },
    WORKER_PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'on SIGTERM a worker reports not ready, finishes the firing in hand, and exits 0',
    async () => {
      const id = await dueInstance();
      const name = `flowgate-worker-drain-${suffix}`;
      const holder = await holdInstance(id);
      let released = false;
      try {
        child = await startWorkerProcess({ ...database!.env, WORKER_SERVICE_NAME: name });
        expect((await fetch(`${child.url}/health/live`)).status).toBe(200);
        await waitingForTheInstance(name);
        child.child.kill('SIGTERM');
        await eventually(async () => expect((await fetch(`${child!.url}/health/ready`)).status).toBe(503));
        // Still draining: the firing in hand waits for the instance.
        expect(child.child.exitCode).toBeNull();
        await release(holder);
        released = true;
        expect(await child.exited).toBe(0);
      } finally {
        if (!released) await release(holder);
      }
      await firedOnce(id);
      expect(child.output()).toContain('SIGTERM received: finishing the jobs in hand');
    },
    WORKER_PROCESS_TEST_TIMEOUT_MS,
  );
});
