import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The fields of `data` a transition's `set` changed (docs/workflows.md "Data that evolves"), on its
 * history line: `[{pointer, before, after}]`. Null on lines that changed no data, which is every
 * line written before this column, so the table is not rewritten.
 */
export class AddWorkflowHistoryChanges1795824600000 implements MigrationInterface {
  name = 'AddWorkflowHistoryChanges1795824600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE workflow_history ADD COLUMN changes jsonb CHECK (changes IS NULL OR jsonb_typeof(changes) = 'array')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE workflow_history DROP COLUMN changes`);
  }
}
