import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C trace id of the request or job that recorded an event (docs/audit.md, "Trace ids"), so
 * that the id in a problem or a log line finds the events too. Nullable: events recorded with
 * tracing off, and every event before this migration, have none.
 *
 * Adding a nullable column without a default is a catalogue change only. The seal-only trigger
 * compares whole rows minus the chain fields, so the new column is a body column it protects with
 * no change. The index is partial: most events of an untraced deployment never enter it, and the
 * filter (`trace_id = $1`) implies `trace_id IS NOT NULL`, so the planner uses it on every
 * partition (new partitions get it from the parent).
 */
export class AddAuditEventTraceIds1795825500000 implements MigrationInterface {
  name = 'AddAuditEventTraceIds1795825500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE audit_events ADD COLUMN trace_id text`);
    await queryRunner.query(
      `CREATE INDEX audit_events_trace_idx ON audit_events (trace_id, pos DESC) WHERE trace_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX audit_events_trace_idx`);
    await queryRunner.query(`ALTER TABLE audit_events DROP COLUMN trace_id`);
  }
}
