import request from 'supertest';
import { randomUUID } from 'node:crypto';
import { DevIdentityProvider } from '@flowgate/auth';
import { Metrics, ReadReplica, TransactionRunner } from '@flowgate/core';
import { eventually, TestApp } from '@flowgate/testing';
import { DataSource } from 'typeorm';
import { createTestApp } from '../support/create-test-app';
import { startStreamingReplicaPair, type StreamingReplicaPair } from '../support/streaming-replica';

/**
 * The audit reads on a real PostgreSQL streaming replica (docs/adr/0029): a primary and a hot
 * standby started for this file (test/support/streaming-replica.ts), the app on both. With the
 * replica's replay paused, an event written to the primary is missing from the list, the single
 * event and the export (read on the replica) and counted by verification (read on the primary).
 * With the replica stopped, the same reads fall back to the primary and readiness says degraded.
 */
describe('Audit reads on a read replica', () => {
  let pair: StreamingReplicaPair;
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let dev: DevIdentityProvider;
  const suffix = randomUUID().slice(0, 8);

  beforeAll(async () => {
    pair = await startStreamingReplicaPair();
    // The app migrates the pair's fresh database on start (not production), on the primary.
    testApp = await createTestApp({
      env: { DATABASE_URL: pair.primaryUrl, DATABASE_READ_REPLICA_URL: pair.replicaUrl },
    });
    http = request(testApp.app.getHttpServer());
    dev = testApp.app.get(DevIdentityProvider);
  }, 90_000);

  afterAll(async () => {
    await testApp?.close();
    await pair?.stop();
  });

  const bearer = async (user: string, roles: string[]) =>
    `Bearer ${await dev.mint({ user: `${user}-${suffix}`, roles, stepUp: true })}`;
  const auditorGet = async (path: string) => http.get(path).set('Authorization', await bearer('auditor', ['auditor']));

  /** An audited change through the API (a role grant); its event's id, read on the primary. */
  async function auditedGrant(user: string): Promise<{ userId: string; eventId: string }> {
    const target = await http.get('/v1/me').set('Authorization', await bearer(user, []));
    const userId = target.body.id as string;
    const granted = await http
      .put(`/v1/users/${userId}/role-grants/approver`)
      .set('Authorization', await bearer('admin', ['admin']));
    expect(granted.status).toBe(200);
    const [row] = await testApp.app
      .get(DataSource)
      .query<{ id: string }[]>(`SELECT id FROM audit_events WHERE resource_id = $1 AND action = 'user.role_granted'`, [
        userId,
      ]);
    return { userId, eventId: row.id };
  }

  const listed = async (userId: string) => {
    const res = await auditorGet(`/v1/audit-events?resourceType=user&resourceId=${userId}`);
    expect(res.status).toBe(200);
    return (res.body.value as { id: string }[]).map((event) => event.id);
  };

  const metric = async (name: string) =>
    (await testApp.app.get(Metrics).registry.getSingleMetricAsString(name))
      .split('\n')
      .find((line) => line.startsWith(name));

  it('runs a lag-tolerant read on the replica, and units of work and writes on the primary', async () => {
    const replica = testApp.app.get(ReadReplica);
    const transactions = testApp.app.get(TransactionRunner);
    const recovery = 'SELECT pg_is_in_recovery() AS standby';
    expect(await replica.reader().query(recovery)).toEqual([{ standby: true }]);
    expect(await transactions.query(recovery)).toEqual([{ standby: false }]);
    // Inside a unit of work the reader joins its transaction: it must see the unit's own writes.
    expect(await transactions.run(() => replica.reader().query(recovery))).toEqual([{ standby: false }]);
    await expect(replica.reader().query(`CREATE TABLE never_created (id int)`)).rejects.toThrow(
      /read-only transaction/,
    );
  });

  it('lists, gets and exports from the replica, and verifies on the primary', async () => {
    await pair.onReplica('SELECT pg_wal_replay_pause()');
    try {
      const { userId, eventId } = await auditedGrant('paused');
      expect(await listed(userId)).toEqual([]);
      expect((await auditorGet(`/v1/audit-events/${eventId}`)).status).toBe(404);
      const exported = await auditorGet('/v1/audit-events/export');
      expect(exported.status).toBe(200);
      expect(exported.text).not.toContain(eventId);
      // No sealer runs here: the event is unsealed on the primary, where verification counts it.
      const verified = await auditorGet('/v1/audit-events/verify');
      expect(verified.status).toBe(200);
      expect(verified.body.unsealed).toBeGreaterThanOrEqual(1);
      const [{ unsealedOnReplica }] = await pair.onReplica<{ unsealedOnReplica: number }>(
        `SELECT count(*)::int AS "unsealedOnReplica" FROM audit_events WHERE seq IS NULL`,
      );
      // The primary has it (and the users' provisioning events, if any came meanwhile); the replica has not.
      expect(verified.body.unsealed).toBeGreaterThan(unsealedOnReplica);

      await pair.onReplica('SELECT pg_wal_replay_resume()');
      await eventually(async () => expect(await listed(userId)).toEqual([eventId]));
      expect((await auditorGet(`/v1/audit-events/${eventId}`)).status).toBe(200);
    } finally {
      await pair.onReplica('SELECT pg_wal_replay_resume()').catch(() => undefined);
    }
    expect(await metric('database_replica_lag_seconds')).toMatch(/^database_replica_lag_seconds \d/);
    const ready = await http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up', databaseReplica: 'up' } });
  });

  it('falls back to the primary while the replica is down, reports degraded, and returns to it', async () => {
    await pair.stopReplica();
    try {
      // Written while the replica is away: only the primary has it, and the list shows it.
      const { userId, eventId } = await auditedGrant('fallback');
      expect(await listed(userId)).toEqual([eventId]);
      expect((await auditorGet(`/v1/audit-events/${eventId}`)).status).toBe(200);
      const ready = await http.get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({
        status: 'degraded',
        checks: { database: 'up', databaseReplica: 'down' },
        degraded: { auditReads: expect.stringContaining('read replica') },
      });
      expect(await metric('database_replica_available')).toBe('database_replica_available 0');
    } finally {
      await pair.startReplica();
    }
    await eventually(async () => {
      const ready = await http.get('/health/ready');
      expect(ready.body).toEqual({ status: 'ok', checks: { database: 'up', redis: 'up', databaseReplica: 'up' } });
    }, 20_000);
    expect(await metric('database_replica_available')).toBe('database_replica_available 1');
    const recovery = await testApp.app.get(ReadReplica).reader().query('SELECT pg_is_in_recovery() AS standby');
    expect(recovery).toEqual([{ standby: true }]);
  });
});
