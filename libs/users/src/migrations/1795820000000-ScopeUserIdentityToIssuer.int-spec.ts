import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, type Logger } from 'typeorm';
import { dataSourceOptions, loadConfigOverriding, type MigrationList, orderMigrations } from '@flowgate/core';
import { TRAFFIC_MIGRATIONS } from '@flowgate/traffic';
import { WORKFLOWS_MIGRATIONS } from '@flowgate/workflows';
import { ScopeUserIdentityToIssuer1795820000000 } from './1795820000000-ScopeUserIdentityToIssuer';
import { USERS_MIGRATIONS } from './index';

/**
 * The migration on the data the bug left behind: a database of its own, migrated up to the
 * migration before this one, filled with users as the old code wrote them (upper-case twins,
 * padded and non-UUID oids, junk sources), then migrated to this one, checked, and reverted.
 */

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OID = '00000000-0000-4000-8000-00000000b0b1';
const SHOUTY_OID = 'A1B2C3D4-0000-4000-8000-0000000000AA';
const PAIR_OID = '0000000A-0000-4000-8000-0000000000BB';
const ISSUER = 'https://idp.example.com/realms/x';
const CHECK_VIOLATION = '23514';

interface UserRow {
  id: string;
  tenant_id: string;
  object_id: string;
  status: string;
  version: number;
}

/** Collects TypeORM's migration messages, where the migration forwards its NOTICEs. */
class MigrationMessages implements Logger {
  readonly messages: string[] = [];
  logQuery(): void {}
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  log(): void {}
  logMigration(message: string): void {
    this.messages.push(message);
  }
}

describe('Migration 1795820000000 ScopeUserIdentityToIssuer (real PostgreSQL)', () => {
  const base = loadConfigOverriding({});
  const database = `identity_migration_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const url = new URL(base.database.url!);
  const adminUrl = url.toString();
  url.pathname = `/${database}`;
  const config = loadConfigOverriding({ DATABASE_URL: url.toString() });
  // The tables this migration reads and writes (users, role grants, and the traffic feature's
  // idempotency records it re-scopes) and the workflow tables whose append-only rows point at
  // users: the spec imports the features downstream of users for their migrations only.
  const ordered = orderMigrations(USERS_MIGRATIONS, TRAFFIC_MIGRATIONS, WORKFLOWS_MIGRATIONS);
  const position = ordered.indexOf(ScopeUserIdentityToIssuer1795820000000);
  const log = new MigrationMessages();
  let db: DataSource;
  /** Ids by fixture name. */
  const ids: Record<string, string> = {};

  const admin = async (sql: string) => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  const dataSourceWith = async (migrations: MigrationList) => {
    const source = new DataSource({
      ...dataSourceOptions(config.database, 'identity-migration-spec', migrations),
      logging: false,
      logger: log,
    });
    return source.initialize();
  };

  const user = async (name: string, tenantId: string, objectId: string, createdAt: string) => {
    const [row] = await db.query(
      `INSERT INTO users (tenant_id, object_id, display_name, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
      [tenantId, objectId, name, createdAt],
    );
    ids[name] = row.id as string;
  };
  const grant = (name: string, role: string) =>
    db.query(`INSERT INTO role_grants (user_id, role) VALUES ($1, $2)`, [ids[name], role]);
  const idempotencyRecord = (principal: string, key: string) =>
    db.query(
      `INSERT INTO idempotency_records (principal, method, route, idempotency_key, fingerprint, status, expires_at)
       VALUES ($1, 'POST', '/v1/probes/notes', $2, 'f', 201, now() + interval '1 day')`,
      [principal, key],
    );
  const row = async (name: string): Promise<UserRow> => {
    const rows: UserRow[] = await db.query(
      `SELECT id, tenant_id, object_id, status, version FROM users WHERE id = $1`,
      [ids[name]],
    );
    return rows[0];
  };
  const grants = async (name: string): Promise<string[]> => {
    const rows: { role: string }[] = await db.query(`SELECT role FROM role_grants WHERE user_id = $1 ORDER BY role`, [
      ids[name],
    ]);
    return rows.map((grantRow) => grantRow.role);
  };
  const principalOf = async (key: string): Promise<string> => {
    const rows: { principal: string }[] = await db.query(
      `SELECT principal FROM idempotency_records WHERE idempotency_key = $1`,
      [key],
    );
    return rows[0].principal;
  };
  const insertUser = (tenantId: string, objectId: string) =>
    db.query(`INSERT INTO users (tenant_id, object_id) VALUES ($1, $2)`, [tenantId, objectId]);

  beforeAll(async () => {
    expect(position).toBeGreaterThan(0);
    await admin(`CREATE DATABASE ${database}`);
    const before = await dataSourceWith(ordered.slice(0, position));
    await before.runMigrations({ transaction: 'each' });
    db = before;

    // The real user, as Entra writes oids: lower case; granted approver by an admin.
    await user('real', TENANT, OID, '2024-01-01T00:00:00Z');
    await grant('real', 'approver');
    // Its twin, provisioned through the bug with the same ids in upper case, and granted admin.
    await user('twin', TENANT.toUpperCase(), OID.toUpperCase(), '2024-02-01T00:00:00Z');
    await grant('twin', 'admin');
    // The twin published a definition and started an instance: append-only rows that keep pointing at it.
    await db.query(
      `INSERT INTO workflow_definitions (key, version, title, definition, published_by) VALUES ('twin-made', 1, 'T', '{}', $1)`,
      [ids.twin],
    );
    const [instance] = await db.query(
      `INSERT INTO workflow_instances (definition_key, definition_version, state, initiator_id)
       VALUES ('twin-made', 1, 'draft', $1) RETURNING id`,
      [ids.twin],
    );
    await db.query(
      `INSERT INTO workflow_history (instance_id, seq, kind, to_state, actor_id) VALUES ($1, 1, 'started', 'draft', $2)`,
      [instance.id, ids.twin],
    );
    // A user seen only in upper case: no twin, so lower-cased with its grant.
    await user('shouty', TENANT, SHOUTY_OID, '2024-01-02T00:00:00Z');
    await grant('shouty', 'requester');
    // Two spellings, neither canonical: the older keeps the key.
    await user('pair-older', TENANT.toUpperCase(), PAIR_OID, '2024-01-03T00:00:00Z');
    await user('pair-newer', TENANT, PAIR_OID.toLowerCase().replace('a', 'A'), '2024-01-04T00:00:00Z');
    // Keys no trusted issuer can present any more.
    await user('padded', TENANT, ` ${OID} `, '2024-01-05T00:00:00Z');
    await user('sub-fallback', TENANT, 'pairwise-sub-of-bob', '2024-01-06T00:00:00Z');
    await user('junk-source', 'not-a-source', 'x', '2024-01-07T00:00:00Z');
    await user('long-sub', ISSUER, 'x'.repeat(300), '2024-01-08T00:00:00Z');
    // Plain OIDC users: their sub is opaque and case-sensitive, kept as is.
    await user('oidc', ISSUER, 'User-ABC', '2024-01-09T00:00:00Z');
    await user('colon-a', 'https://idp', 'a:b', '2024-01-10T00:00:00Z');
    await user('colon-b', 'https://idp:a', 'b', '2024-01-11T00:00:00Z');

    await idempotencyRecord(`${TENANT}:${OID}`, 'key-real');
    await idempotencyRecord(`${TENANT.toUpperCase()}:${OID.toUpperCase()}`, 'key-twin');
    await idempotencyRecord('https://idp:a:b', 'key-ambiguous');

    await before.destroy();
    db = await dataSourceWith(ordered.slice(0, position + 1));
    await db.runMigrations({ transaction: 'each' });
  });

  afterAll(async () => {
    if (db?.isInitialized) await db.destroy();
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  describe('up', () => {
    it('leaves the real user untouched: key, status, version and grants (never the twin’s admin)', async () => {
      expect(await row('real')).toMatchObject({ tenant_id: TENANT, object_id: OID, status: 'active', version: 1 });
      expect(await grants('real')).toEqual(['approver']);
    });

    it('quarantines and suspends the twin, which keeps its own grants, definitions and history', async () => {
      expect(await row('twin')).toMatchObject({
        tenant_id: `quarantined:${TENANT.toUpperCase()}`,
        object_id: OID.toUpperCase(),
        status: 'suspended',
        version: 2,
      });
      expect(await grants('twin')).toEqual(['admin']);
      const [{ definitions, histories }] = await db.query(
        `SELECT (SELECT count(*) FROM workflow_definitions WHERE published_by = $1)::int AS definitions,
                (SELECT count(*) FROM workflow_history WHERE actor_id = $1)::int AS histories`,
        [ids.twin],
      );
      expect({ definitions, histories }).toEqual({ definitions: 1, histories: 1 });
    });

    it('lower-cases a user without a twin, keeping its grants and moving its ETag', async () => {
      expect(await row('shouty')).toMatchObject({
        tenant_id: TENANT,
        object_id: SHOUTY_OID.toLowerCase(),
        status: 'active',
        version: 2,
      });
      expect(await grants('shouty')).toEqual(['requester']);
    });

    it('of two spellings with no canonical row, keeps the older and quarantines the newer', async () => {
      expect(await row('pair-older')).toMatchObject({ tenant_id: TENANT, object_id: PAIR_OID.toLowerCase() });
      expect(await row('pair-newer')).toMatchObject({ tenant_id: `quarantined:${TENANT}`, status: 'suspended' });
    });

    it.each([
      ['padded', `quarantined:${TENANT}`],
      ['sub-fallback', `quarantined:${TENANT}`],
      ['junk-source', 'quarantined:not-a-source'],
      ['long-sub', `quarantined:${ISSUER}`],
    ])('quarantines and suspends %s, whose key no issuer can present any more', async (name, tenantId) => {
      expect(await row(name)).toMatchObject({ tenant_id: tenantId, status: 'suspended', version: 2 });
    });

    it.each([
      ['oidc', ISSUER, 'User-ABC'],
      ['colon-a', 'https://idp', 'a:b'],
      ['colon-b', 'https://idp:a', 'b'],
    ])('keeps the OIDC user %s exactly as it was', async (name, tenantId, objectId) => {
      expect(await row(name)).toMatchObject({ tenant_id: tenantId, object_id: objectId, status: 'active', version: 1 });
    });

    it('names every quarantined user in a NOTICE, passed on as a migration message', async () => {
      const quarantined = ['twin', 'pair-newer', 'padded', 'sub-fallback', 'junk-source', 'long-sub'];
      const notices = log.messages.filter((message) => message.startsWith('users: quarantined and suspended'));
      expect(notices).toHaveLength(quarantined.length);
      for (const name of quarantined) {
        expect(notices.filter((notice) => notice.includes(ids[name]))).toHaveLength(1);
      }
      expect(notices.find((notice) => notice.includes(ids.twin))).toContain(`a twin of user ${ids.real}`);
    });

    it('moves idempotency records to the user id, except where the old key named two users', async () => {
      expect(await principalOf('key-real')).toBe(ids.real);
      expect(await principalOf('key-twin')).toBe(ids.twin);
      expect(await principalOf('key-ambiguous')).toBe('https://idp:a:b');
    });

    it.each([
      ['a tenant in upper case', TENANT.toUpperCase(), randomUUID()],
      ['an oid in upper case under a tenant', TENANT, randomUUID().toUpperCase()],
      ['a padded oid under a tenant', TENANT, ` ${randomUUID()}`],
      ['a non-UUID oid under a tenant', TENANT, 'bob'],
      ['a source that is neither a tenant nor an issuer URL', 'contoso', 'bob'],
      ['an issuer URL with a space', 'https://idp .example.com', 'bob'],
      ['a subject over 255 characters', ISSUER, 'x'.repeat(256)],
      ['an empty subject', ISSUER, ''],
    ])('rejects a new row with %s', async (_case, tenantId, objectId) => {
      await expect(insertUser(tenantId, objectId)).rejects.toMatchObject({ driverError: { code: CHECK_VIOLATION } });
    });

    it.each([
      ['a tenant user', TENANT, randomUUID()],
      ['an OIDC user with a case-sensitive sub', ISSUER, `Mixed-${randomUUID()}`],
      ['an OIDC user with a 255-character sub', ISSUER, `${randomUUID()}${'x'.repeat(219)}`],
    ])('accepts a new row for %s', async (_case, tenantId, objectId) => {
      await expect(insertUser(tenantId, objectId)).resolves.toBeDefined();
    });
  });

  describe('down', () => {
    beforeAll(async () => {
      await db.undoLastMigration({ transaction: 'each' });
    });

    it('gives quarantined users their old source back, still suspended, and drops the constraints', async () => {
      expect(await row('twin')).toMatchObject({
        tenant_id: TENANT.toUpperCase(),
        object_id: OID.toUpperCase(),
        status: 'suspended',
      });
      expect(await row('junk-source')).toMatchObject({ tenant_id: 'not-a-source' });
      await expect(insertUser('contoso', 'bob')).resolves.toBeDefined();
    });

    it('moves idempotency records back to the joined key', async () => {
      expect(await principalOf('key-real')).toBe(`${TENANT}:${OID}`);
      expect(await principalOf('key-twin')).toBe(`${TENANT.toUpperCase()}:${OID.toUpperCase()}`);
    });
  });
});
