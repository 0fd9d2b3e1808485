import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A delivery carries the trace context of the outbox event it was fanned out from (docs/webhooks.md
 * "Tracing"): each attempt, however much later and by whichever worker, starts a trace linked to
 * the transaction that wrote the event, and the outbox row may be gone by then (retention). Null
 * when tracing was off and on deliveries written before this column.
 */
export class AddDeliveryTraceContext1795825610000 implements MigrationInterface {
  name = 'AddDeliveryTraceContext1795825610000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE webhook_deliveries ADD COLUMN traceparent text, ADD COLUMN tracestate text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE webhook_deliveries DROP COLUMN traceparent, DROP COLUMN tracestate`);
  }
}
