import type { MigrationInterface, QueryRunner } from 'typeorm';

const GENESIS_HASH = '0'.repeat(64);

/**
 * The audit log: append-only (triggers reject UPDATE, DELETE and TRUNCATE, whoever asks) and
 * hash-chained through `seq` / `prev_hash` / `hash`. The chain head is one row, locked only for
 * the instant an event is appended at the end of its transaction.
 */
export class CreateAuditEvents1795817000000 implements MigrationInterface {
  name = 'CreateAuditEvents1795817000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_events (
        seq bigint PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        occurred_at timestamptz NOT NULL,
        actor_type text NOT NULL CHECK (actor_type IN ('user', 'system')),
        actor_tenant_id text,
        actor_object_id text,
        actor_name text,
        action text NOT NULL,
        resource_type text NOT NULL,
        resource_id text,
        outcome text NOT NULL CHECK (outcome IN ('succeeded', 'denied')),
        before jsonb,
        after jsonb,
        request_id text,
        client_ip text,
        user_agent text,
        prev_hash text NOT NULL,
        hash text NOT NULL
      )`);
    // The query filters: actor, resource and action, each with a time range, newest first.
    await queryRunner.query(
      `CREATE INDEX audit_events_actor_idx ON audit_events (actor_tenant_id, actor_object_id, seq DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX audit_events_resource_idx ON audit_events (resource_type, resource_id, seq DESC)`,
    );
    await queryRunner.query(`CREATE INDEX audit_events_action_idx ON audit_events (action, seq DESC)`);
    await queryRunner.query(`CREATE INDEX audit_events_time_idx ON audit_events (occurred_at)`);
    await queryRunner.query(`
      CREATE TABLE audit_chain_head (
        id smallint PRIMARY KEY CHECK (id = 1),
        seq bigint NOT NULL,
        hash text NOT NULL
      )`);
    await queryRunner.query(`INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, '${GENESIS_HASH}')`);
    await queryRunner.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only: % rejected', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_events_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
    await queryRunner.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_chain_head`);
    await queryRunner.query(`DROP TABLE audit_events`);
    await queryRunner.query(`DROP FUNCTION audit_events_append_only()`);
  }
}
