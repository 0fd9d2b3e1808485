import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C trace context (`traceparent`, `tracestate`) of the unit of work that wrote an outbox event
 * or armed a timer (docs/webhooks.md "Tracing", docs/workflows.md "Timers"): the relay, each
 * delivery attempt and a timer's firing start traces of their own, linked back to it. Null when
 * tracing was off, and on every row written before these columns, so no table is rewritten. No
 * check on the text: a malformed value only costs the link (`linksTo` ignores it), while a
 * constraint would fail the transition that wrote it.
 */
export class AddTraceContext1795825600000 implements MigrationInterface {
  name = 'AddTraceContext1795825600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE outbox_events ADD COLUMN traceparent text, ADD COLUMN tracestate text`);
    await queryRunner.query(`ALTER TABLE workflow_timers ADD COLUMN traceparent text, ADD COLUMN tracestate text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE workflow_timers DROP COLUMN traceparent, DROP COLUMN tracestate`);
    await queryRunner.query(`ALTER TABLE outbox_events DROP COLUMN traceparent, DROP COLUMN tracestate`);
  }
}
