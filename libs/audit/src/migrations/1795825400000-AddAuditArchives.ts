import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The record of every `audit_events` partition archived and dropped under the retention setting
 * (docs/audit.md, "Retention and archives"). Append-only like the other audit tables: a row is the
 * proof of where a dropped month went and which hash the retained chain continues from.
 * An archive of no events (an empty month) has no seq range and no hash.
 */
export class AddAuditArchives1795825400000 implements MigrationInterface {
  name = 'AddAuditArchives1795825400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE audit_archives (
        partition_name text PRIMARY KEY,
        month date NOT NULL UNIQUE,
        first_seq bigint,
        last_seq bigint UNIQUE,
        last_hash text,
        event_count bigint NOT NULL CHECK (event_count >= 0),
        file_name text NOT NULL,
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        archived_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT audit_archives_range CHECK (
          (event_count = 0 AND first_seq IS NULL AND last_seq IS NULL AND last_hash IS NULL)
          OR (event_count = last_seq - first_seq + 1 AND first_seq >= 1 AND last_hash IS NOT NULL)
        )
      )`);
    // The same refusal as audit_anchors (function from AddAuditAnchors1795825200000).
    await queryRunner.query(`
      CREATE TRIGGER audit_archives_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_archives
      FOR EACH ROW EXECUTE FUNCTION audit_anchors_append_only()`);
    await queryRunner.query(`
      CREATE TRIGGER audit_archives_no_truncate BEFORE TRUNCATE ON audit_archives
      FOR EACH STATEMENT EXECUTE FUNCTION audit_anchors_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_archives`);
  }
}
