import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed anchors of the chain head (docs/adr/0019) and the public keys of the development signing
 * keys. Both append-only like audit_events: an anchor is evidence, and a key that signed one must
 * stay published for as long as exports carry its signatures. `audit_anchor_keys` may never hold a
 * private key: the CHECK refuses a JWK with a private member, whoever inserts it.
 */
export class AddAuditAnchors1795825200000 implements MigrationInterface {
  name = 'AddAuditAnchors1795825200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_anchors (
        seq bigint PRIMARY KEY CHECK (seq > 0),
        hash text NOT NULL,
        signed_at timestamptz NOT NULL,
        key_id text NOT NULL,
        jws text NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE audit_anchor_keys (
        kid text PRIMARY KEY,
        public_jwk jsonb NOT NULL CHECK (jsonb_typeof(public_jwk) = 'object' AND NOT (public_jwk ?| array['d', 'p', 'q'])),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE FUNCTION audit_anchors_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % rejected', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    for (const table of ['audit_anchors', 'audit_anchor_keys']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_no_update_or_delete BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION audit_anchors_append_only()`);
      await queryRunner.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_anchors_append_only()`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_anchor_keys`);
    await queryRunner.query(`DROP TABLE audit_anchors`);
    await queryRunner.query(`DROP FUNCTION audit_anchors_append_only()`);
  }
}
