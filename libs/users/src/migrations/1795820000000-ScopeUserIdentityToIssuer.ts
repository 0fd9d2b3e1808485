import type { MigrationInterface, QueryRunner } from 'typeorm';

const UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
/** Configured OIDC issuers pass the same test (libs/auth/src/config/auth.config.ts). */
const ISSUER_URL = '^https?://\\S+$';
const QUARANTINED = 'quarantined:';

/**
 * Users are keyed by (identity source, subject) as the verifying issuer defines them
 * (docs/auth.md): an Entra or development tenant and `oid`, both lower-case UUIDs, or an OIDC
 * issuer URL and its `sub`. Before, the key came from claims as sent, so letter case or padding
 * made second users out of one person (who could then approve their own requests) and a plain
 * OIDC issuer could write rows under an Entra tenant.
 *
 * 1. Idempotency records move from the caller's `tenant:object` to their user id (the scope the
 *    code now uses), so a retry that straddles the deploy is still answered by its record.
 * 2. Rows that would collide once lower-cased are not merged: merging would hand a forged twin's
 *    grants to the real user, and history and definitions tables refuse the updates a merge
 *    needs. The canonical row (already lower case, else the oldest) keeps its key and grants;
 *    each twin moves to the source `quarantined:<old tenant_id>`, where no token can reach it,
 *    suspended, with its own grants and history. So do rows whose key no issuer can present
 *    any more (a non-UUID `oid` under a tenant, a source that is neither). A NOTICE names each.
 * 3. The remaining UUID keys are lower-cased; grants follow, being keyed by user id.
 * 4. CHECK constraints keep every key in that shape from now on.
 * docs/runbook.md says what an admin does with quarantined users.
 */
export class ScopeUserIdentityToIssuer1795820000000 implements MigrationInterface {
  name = 'ScopeUserIdentityToIssuer1795820000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.rescopeIdempotencyRecords(queryRunner);
    await this.withNoticesLogged(queryRunner, () => queryRunner.query(QUARANTINE_TWINS_AND_MISFITS));
    await queryRunner.query(`
      UPDATE users SET tenant_id = lower(tenant_id), object_id = lower(object_id),
                       version = version + 1, updated_at = now()
      WHERE tenant_id ~* '${UUID}' AND object_id ~* '${UUID}'
        AND (tenant_id <> lower(tenant_id) OR object_id <> lower(object_id))`);
    await queryRunner.query(`
      ALTER TABLE users
        ADD CONSTRAINT users_identity_source_shape CHECK (
          tenant_id ~ '${UUID}' OR tenant_id ~ '${ISSUER_URL}' OR tenant_id LIKE '${QUARANTINED}%'),
        ADD CONSTRAINT users_tenant_subject_is_uuid CHECK (tenant_id !~ '${UUID}' OR object_id ~ '${UUID}'),
        -- A quarantined row may keep the over-long subject it was quarantined for.
        ADD CONSTRAINT users_subject_length CHECK (
          length(object_id) BETWEEN 1 AND 255 OR tenant_id LIKE '${QUARANTINED}%')`);
  }

  /**
   * Quarantined rows get their old source back, still suspended (their earlier status is not
   * kept); lower-cased keys stay lower case, which the earlier code accepts as they are.
   */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE users
        DROP CONSTRAINT users_subject_length,
        DROP CONSTRAINT users_tenant_subject_is_uuid,
        DROP CONSTRAINT users_identity_source_shape`);
    await queryRunner.query(`
      UPDATE users SET tenant_id = substr(tenant_id, ${QUARANTINED.length + 1}), version = version + 1, updated_at = now()
      WHERE tenant_id LIKE '${QUARANTINED}%'`);
    await queryRunner.query(`
      WITH joined AS (
        SELECT id::text AS user_id, tenant_id || ':' || object_id AS principal,
               count(*) OVER (PARTITION BY tenant_id || ':' || object_id) AS sharing
        FROM users
      )
      UPDATE idempotency_records r SET principal = joined.principal
      FROM joined
      WHERE r.principal = joined.user_id AND joined.sharing = 1
        AND NOT EXISTS (
          SELECT 1 FROM idempotency_records taken
          WHERE taken.principal = joined.principal AND taken.method = r.method
            AND taken.route = r.route AND taken.idempotency_key = r.idempotency_key)`);
  }

  /** Only where the old `tenant:object` names exactly one user: two users can share that string. */
  private async rescopeIdempotencyRecords(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      WITH joined AS (
        SELECT min(id::text) AS user_id, tenant_id || ':' || object_id AS principal
        FROM users GROUP BY tenant_id || ':' || object_id HAVING count(*) = 1
      )
      UPDATE idempotency_records r SET principal = joined.user_id
      FROM joined
      WHERE r.principal = joined.principal
        AND NOT EXISTS (
          SELECT 1 FROM idempotency_records taken
          WHERE taken.principal = joined.user_id AND taken.method = r.method
            AND taken.route = r.route AND taken.idempotency_key = r.idempotency_key)`);
  }

  /**
   * TypeORM drops NOTICEs; the quarantined ids must reach whoever runs the migration (the CLI's
   * output or the app's log), so they are passed on as migration messages.
   */
  private async withNoticesLogged(queryRunner: QueryRunner, run: () => Promise<unknown>): Promise<void> {
    const client = (await queryRunner.connect()) as NoticeEmitter;
    const forward = (notice: { message?: string }) => {
      if (notice.message) queryRunner.connection.logger.logMigration(notice.message, queryRunner);
    };
    client.on('notice', forward);
    try {
      await run();
    } finally {
      client.off('notice', forward);
    }
  }
}

interface NoticeEmitter {
  on(event: 'notice', listener: (notice: { message?: string }) => void): void;
  off(event: 'notice', listener: (notice: { message?: string }) => void): void;
}

/**
 * Twins: rows whose UUIDs are equal once lower-cased; the first of each group (already canonical,
 * else the oldest) keeps its key. Misfits: keys no trusted issuer can present any more.
 */
const QUARANTINE_TWINS_AND_MISFITS = `
  DO $$
  DECLARE
    moved record;
  BEGIN
    FOR moved IN
      WITH live AS (
        SELECT id, tenant_id, object_id, created_at,
               tenant_id ~* '${UUID}' AND object_id ~* '${UUID}' AS tenant_shaped,
               tenant_id ~ '${ISSUER_URL}' AND length(object_id) BETWEEN 1 AND 255 AS issuer_shaped
        FROM users
        WHERE tenant_id NOT LIKE '${QUARANTINED}%'
      ),
      twins AS (
        SELECT id, tenant_id, object_id,
               first_value(id) OVER canonical_first AS keeper,
               row_number() OVER canonical_first AS place
        FROM live
        WHERE tenant_shaped
        WINDOW canonical_first AS (
          PARTITION BY lower(tenant_id), lower(object_id)
          ORDER BY (tenant_id = lower(tenant_id) AND object_id = lower(object_id)) DESC, created_at, id)
      )
      SELECT id, tenant_id, object_id, format('a twin of user %s once lower-cased', keeper) AS reason
      FROM twins WHERE place > 1
      UNION ALL
      SELECT id, tenant_id, object_id, 'a key no trusted issuer can present' AS reason
      FROM live WHERE NOT tenant_shaped AND NOT issuer_shaped
      ORDER BY id
    LOOP
      UPDATE users SET tenant_id = '${QUARANTINED}' || tenant_id, status = 'suspended',
                       version = version + 1, updated_at = now()
      WHERE id = moved.id;
      RAISE NOTICE 'users: quarantined and suspended user % (tenant_id %, object_id %): %',
        moved.id, quote_literal(moved.tenant_id), quote_literal(moved.object_id), moved.reason;
    END LOOP;
  END
  $$`;
