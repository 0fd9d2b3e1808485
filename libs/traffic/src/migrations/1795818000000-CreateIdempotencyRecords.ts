import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored responses of idempotent requests. A record is written in the same transaction as the
 * change it answers for, so a change never commits without it (and a retry can never apply the
 * change again). The primary key is the scope: a key means something only for one caller on one
 * route.
 */
export class CreateIdempotencyRecords1795818000000 implements MigrationInterface {
  name = 'CreateIdempotencyRecords1795818000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE idempotency_records (
        principal text NOT NULL,
        method text NOT NULL,
        route text NOT NULL,
        idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
        fingerprint text NOT NULL,
        status smallint NOT NULL CHECK (status BETWEEN 200 AND 299),
        headers jsonb NOT NULL DEFAULT '{}',
        body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (principal, method, route, idempotency_key)
      )`);
    // The purge job deletes by expiry.
    await queryRunner.query(`CREATE INDEX idempotency_records_expires_idx ON idempotency_records (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency_records`);
  }
}
