import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A replay must be the first answer byte for byte; `jsonb` keeps the value but not the text (it
 * reorders keys and respaces). `body_text` holds the body exactly as it was sent.
 *
 * `body` stays, still written, for one release: replicas of the previous version, running during
 * the rollout, read it. A later migration drops it. Records written before this one have no
 * `body_text`; they are replayed from `body` until they expire (24 h by default).
 */
export class StoreIdempotentResponseBytes1795822000000 implements MigrationInterface {
  name = 'StoreIdempotentResponseBytes1795822000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE idempotency_records ADD COLUMN body_text text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE idempotency_records DROP COLUMN body_text`);
  }
}
