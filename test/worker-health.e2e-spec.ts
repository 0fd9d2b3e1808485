import { eventually } from '@flowgate/testing';
import { createTestWorker, type TestWorker } from './support/create-test-worker';
import { type DatabaseOfItsOwn, databaseOfItsOwn } from './support/database-of-its-own';

/** The worker's only listener: liveness, readiness (PostgreSQL and Redis, draining), metrics. */
describe('Worker health and metrics', () => {
  let worker: TestWorker;
  let url: string;
  let database: DatabaseOfItsOwn | undefined;

  // Its runner runs every job (timers, sealer, relays): on a database of its own, so that it acts
  // on no other file's rows.
  beforeAll(async () => {
    database = await databaseOfItsOwn('worker_health');
    worker = await createTestWorker(database.env);
    url = await worker.listen();
    worker.runner.start();
  });

  afterAll(async () => {
    await worker?.close();
    await database?.drop();
  });

  it('answers liveness and readiness with both dependencies checked', async () => {
    const live = await fetch(`${url}/health/live`);
    expect({ status: live.status, body: await live.json() }).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect({ status: ready.status, body: await ready.json() }).toEqual({
      status: 200,
      body: { status: 'ok', checks: { database: 'up', redis: 'up' } },
    });
  });

  it('serves the job and timer metrics', async () => {
    // Each job has run at least once by then: how soon depends on the machine, so it is polled.
    await eventually(async () => {
      const scrape = await fetch(`${url}/metrics`);
      expect(scrape.status).toBe(200);
      const text = await scrape.text();
      expect(text).toMatch(/worker_job_runs_total\{job="workflow-timers",outcome="(idle|worked)"\} \d+/);
      expect(text).toMatch(/worker_job_runs_total\{job="idempotency-purge",outcome="(idle|worked|skipped)"\} \d+/);
      expect(text).toContain('worker_job_duration_seconds_bucket{le="0.001",job="workflow-timers"');
      expect(text).toMatch(/workflow_timers_pending \d+/);
      expect(text).toMatch(/workflow_timers_overdue_seconds \d/);
      expect(text).toMatch(/worker_job_runs_total\{job="audit-sealer",outcome="(idle|worked|skipped)"\} \d+/);
      expect(text).toMatch(/^audit_unsealed_seconds \d/m);
      expect(text).toMatch(/^audit_unsealed_events \d+$/m);
    });
  });

  it('answers anything else with a problem', async () => {
    const other = await fetch(`${url}/v1/workflows`);
    expect(other.status).toBe(404);
    expect(other.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await other.json()).toMatchObject({ code: 'route_not_found' });
  });

  it('reports not ready once it stops claiming work', async () => {
    await worker.runner.stop();
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ code: 'dependency_unavailable' });
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
  });
});
