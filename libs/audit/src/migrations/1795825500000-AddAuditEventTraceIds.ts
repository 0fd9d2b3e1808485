import type { MigrationInterface, QueryRunner } from 'typeorm';

const CHAIN_FIELDS = `'{seq,prev_hash,hash,sealed_at}'::text[]`;

/** The seal-only trigger's one permitted update, with `extraCheck` run before it is let through. */
const sealOnly = (extraCheck: string) => `
  CREATE OR REPLACE FUNCTION audit_events_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
       AND to_jsonb(NEW) - ${CHAIN_FIELDS} = to_jsonb(OLD) - ${CHAIN_FIELDS} THEN${extraCheck}
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only: % rejected', TG_OP USING ERRCODE = 'insufficient_privilege';
  END
  $$`;

/**
 * The W3C trace id of the request or job that recorded an event (docs/audit.md, "Trace ids"), so
 * that the id in a problem or a log line finds the events too. Nullable: events recorded with
 * tracing off, and every event before this migration, have none.
 *
 * Adding a nullable column without a default is a catalogue change only. The seal-only trigger
 * compares whole rows minus the chain fields, so the new column is a body column it protects as it
 * is. It gains one refusal: the hash covers the trace id, and a sealer of an earlier version (still
 * running during a rollout) would hash the event without it, a mismatch no one could ever repair.
 * So sealing an event that has a trace id needs the sealer to say, in its transaction, that its
 * hash covers it (`flowgate.audit_seal_covers_trace_id`); an earlier sealer's batch fails instead,
 * and the event waits for a current one.
 *
 * The index is partial: most events of an untraced deployment never enter it, and the filter
 * (`trace_id = $1`) implies `trace_id IS NOT NULL`, so the planner uses it on every partition (new
 * partitions get it from the parent).
 */
export class AddAuditEventTraceIds1795825500000 implements MigrationInterface {
  name = 'AddAuditEventTraceIds1795825500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE audit_events ADD COLUMN trace_id text`);
    await queryRunner.query(
      `CREATE INDEX audit_events_trace_idx ON audit_events (trace_id, pos DESC) WHERE trace_id IS NOT NULL`,
    );
    await queryRunner.query(
      sealOnly(`
      IF NEW.trace_id IS NOT NULL
         AND current_setting('flowgate.audit_seal_covers_trace_id', true) IS DISTINCT FROM 'on' THEN
        RAISE EXCEPTION 'audit_events: event % has a trace id, and this sealer''s hash would not cover it (upgrade the worker)', NEW.id
          USING ERRCODE = 'insufficient_privilege';
      END IF;`),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(sealOnly(''));
    await queryRunner.query(`DROP INDEX audit_events_trace_idx`);
    await queryRunner.query(`ALTER TABLE audit_events DROP COLUMN trace_id`);
  }
}
