import { randomUUID } from 'node:crypto';
import { connectRunDatabase, type RunDatabase, SQL_STATE } from '@flowgate/testing';
import type { IdempotencyScope, StoredResponse } from './idempotency-scope';
import { IdempotencyRepository, isIdempotencyKeyTaken } from './idempotency.repository';

const DAY = 86_400;
/** A retention already over: the record is stored expired, as one the purge has not reached yet. */
const EXPIRED = -60;

/** On the run's database: every test's scopes belong to a principal of its own. */
describe('IdempotencyRepository (real PostgreSQL)', () => {
  let db: RunDatabase;
  let records: IdempotencyRepository;

  beforeAll(async () => {
    db = await connectRunDatabase('idempotency-repository-spec');
    records = new IdempotencyRepository(db.transactions);
  });

  afterAll(() => db?.close());

  const scopeOf = (fields: Partial<IdempotencyScope> = {}): IdempotencyScope => ({
    principal: randomUUID(),
    method: 'POST',
    route: '/v1/workflows',
    key: randomUUID(),
    ...fields,
  });

  const answer = (fields: Partial<StoredResponse> = {}): StoredResponse => ({
    fingerprint: 'f1',
    status: 201,
    headers: { 'content-type': 'application/json', location: '/v1/workflows/1' },
    // Spacing and key order as sent: a replay must repeat the bytes, which jsonb would not keep.
    body: '{"z":1,  "a":[2, 3]}',
    ...fields,
  });

  const store = (scope: IdempotencyScope, response = answer(), retention = DAY) =>
    db.transactions.run((manager) => records.store(scope, response, retention, manager));

  describe('find', () => {
    it('is undefined for a scope with no record', async () => {
      expect(await records.find(scopeOf())).toBeUndefined();
    });

    it('returns the stored answer byte for byte, status as a number', async () => {
      const scope = scopeOf();
      await store(scope);
      expect(await records.find(scope)).toEqual(answer());
    });

    it('returns a null body as null', async () => {
      const scope = scopeOf();
      await store(scope, answer({ status: 204, headers: {}, body: null }));
      expect(await records.find(scope)).toEqual({ fingerprint: 'f1', status: 204, headers: {}, body: null });
    });

    it('replays a record from before body_text existed from its jsonb value', async () => {
      const scope = scopeOf();
      await db.dataSource.query(
        `INSERT INTO idempotency_records (principal, method, route, idempotency_key, fingerprint, status, body, expires_at)
         VALUES ($1, $2, $3, $4, 'old', 200, '{"b": 1, "a": 2}', now() + interval '1 hour')`,
        [scope.principal, scope.method, scope.route, scope.key],
      );
      const found = await records.find(scope);
      expect(found).toMatchObject({ fingerprint: 'old', status: 200, headers: {} });
      expect(JSON.parse(found!.body!)).toEqual({ a: 2, b: 1 });
    });

    it('ignores an expired record', async () => {
      const scope = scopeOf();
      await store(scope, answer(), EXPIRED);
      expect(await records.find(scope)).toBeUndefined();
    });

    it('matches the whole scope: principal, method, route and key', async () => {
      const scope = scopeOf();
      await store(scope);
      for (const other of [
        { principal: randomUUID() },
        { method: 'PUT' },
        { route: '/v1/workflows/:id/transitions/:name' },
        { key: randomUUID() },
      ]) {
        expect(await records.find({ ...scope, ...other })).toBeUndefined();
      }
    });
  });

  describe('store', () => {
    it("fails the unit's commit when the scope's key is taken, and the first answer stays", async () => {
      const scope = scopeOf();
      await store(scope);
      const taken = await store(scope, answer({ fingerprint: 'f2', body: '{"second":true}' })).catch(
        (error: unknown) => error,
      );
      expect(isIdempotencyKeyTaken(taken)).toBe(true);
      expect(await records.find(scope)).toEqual(answer());
    });

    it('tells the taken key from any other failure', async () => {
      const failure = await store(scopeOf(), answer({ status: 500 })).catch((error: unknown) => error);
      expect(failure).toMatchObject({ driverError: { code: SQL_STATE.checkViolation } });
      expect(isIdempotencyKeyTaken(failure)).toBe(false);
      expect(isIdempotencyKeyTaken(new Error('no database error'))).toBe(false);
      expect(isIdempotencyKeyTaken(undefined)).toBe(false);
    });

    it("is held back, yet seen by the unit's later statements, which carry it in front of them", async () => {
      const scope = scopeOf();
      const seen = await db.transactions.run(async (manager) => {
        await records.store(scope, answer(), DAY, manager);
        return manager.query<{ n: string }[]>(
          'SELECT count(*) AS n FROM idempotency_records WHERE principal = $1 AND idempotency_key = $2',
          [scope.principal, scope.key],
        );
      });
      expect(Number(seen[0].n)).toBe(1);
      expect(await records.find(scope)).toEqual(answer());
    });

    it('lets the same key serve another principal, method or route', async () => {
      const scope = scopeOf();
      await store(scope);
      const others = [{ principal: randomUUID() }, { method: 'PATCH' }, { route: '/v1/users/:id' }];
      for (const other of others) await store({ ...scope, ...other }, answer({ fingerprint: 'other' }));
      for (const other of others) {
        expect(await records.find({ ...scope, ...other })).toMatchObject({ fingerprint: 'other' });
      }
    });

    it('takes the place of an expired record of the same scope', async () => {
      const scope = scopeOf();
      await store(scope, answer({ fingerprint: 'stale' }), EXPIRED);
      await store(scope, answer({ fingerprint: 'fresh' }));
      expect(await records.find(scope)).toMatchObject({ fingerprint: 'fresh' });
    });

    it('rolls back with the unit of work of the change it answers for', async () => {
      const scope = scopeOf();
      await expect(
        db.transactions.run(async (manager) => {
          await records.store(scope, answer(), DAY, manager);
          await manager.query('SELECT 1'); // sends the held record
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      expect(await records.find(scope)).toBeUndefined();
      await store(scope);
    });

    it('refuses a status outside 2xx (check constraint)', async () => {
      await expect(store(scopeOf(), answer({ status: 500 }))).rejects.toMatchObject({
        driverError: { code: SQL_STATE.checkViolation },
      });
    });

    describe('while another request of the same scope has stored but not committed', () => {
      it('is invisible to find until it commits', async () => {
        const scope = scopeOf();
        const first = await db.openUnit();
        await records.store(scope, answer(), DAY, first.manager); // another context: sent at once
        expect(await records.find(scope)).toBeUndefined();
        await first.commit();
        expect(await records.find(scope)).toEqual(answer());
      });

      it.each([
        ['commits: fails on the taken key, and the first answer stays', 'commit' as const, true, 'f1'],
        ['rolls back: the second answer is stored', 'rollback' as const, false, 'f2'],
      ])('waits for it, then when it %s', async (_case, outcome, taken, fingerprint) => {
        const scope = scopeOf();
        const first = await db.openUnit();
        const second = await db.openUnit();
        await records.store(scope, answer(), DAY, first.manager);
        const storing = records
          .store(scope, answer({ fingerprint: 'f2' }), DAY, second.manager)
          .then(() => false, isIdempotencyKeyTaken);
        await db.waitUntilBlocked(second, first);
        await (outcome === 'commit' ? first.commit() : first.rollback());
        expect(await storing).toBe(taken);
        await (taken ? second.rollback() : second.commit());
        expect(await records.find(scope)).toMatchObject({ fingerprint });
      });
    });
  });

  describe('purgeExpired', () => {
    it('deletes expired records, at most a batch at a time, and keeps the live ones', async () => {
      const principal = randomUUID();
      const expired = [scopeOf({ principal }), scopeOf({ principal }), scopeOf({ principal })];
      const live = scopeOf({ principal });
      // In one unit that purges too: nobody else's purge can take these uncommitted rows, so the
      // batches counted are this test's own.
      const passes = await db.transactions.run(async (manager) => {
        for (const scope of expired) await records.store(scope, answer(), EXPIRED, manager);
        await records.store(live, answer(), DAY, manager);
        const deletedPerPass: number[] = [];
        for (let deleted = 2; deleted === 2;) deletedPerPass.push((deleted = await records.purgeExpired(2)));
        return deletedPerPass;
      });
      expect(passes.length).toBeGreaterThanOrEqual(2);
      expect(passes.every((deleted) => deleted <= 2)).toBe(true);
      const left = await db.dataSource.query<{ idempotency_key: string }[]>(
        `SELECT idempotency_key FROM idempotency_records WHERE principal = $1`,
        [principal],
      );
      expect(left.map((row) => row.idempotency_key)).toEqual([live.key]);
    });

    it('commits in a unit of work of its own when none is open', async () => {
      const scope = scopeOf();
      await store(scope, answer(), EXPIRED);
      for (let deleted = 1_000; deleted === 1_000;) deleted = await records.purgeExpired(1_000);
      const [{ n }] = await db.dataSource.query<{ n: string }[]>(
        `SELECT count(*) AS n FROM idempotency_records WHERE principal = $1`,
        [scope.principal],
      );
      expect(Number(n)).toBe(0);
    });
  });
});
