import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Assignment on entry and automatic transitions (docs/workflows.md): a state may assign itself to
 * a person when an instance enters it, and an automatic transition fires on entry. Nobody asked
 * for either, so the system did them: an assignment row with no `assigned_by`, a history line with
 * no actor and no timer. When the data names no user, a `not_assigned` line records that the
 * entry stayed unassigned.
 */
export class AddSystemAssignments1795824700000 implements MigrationInterface {
  name = 'AddSystemAssignments1795824700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE workflow_assignments ALTER COLUMN assigned_by DROP NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE workflow_history
        DROP CONSTRAINT workflow_history_kind_check,
        ADD CONSTRAINT workflow_history_kind_check
          CHECK (kind IN ('started', 'moved', 'voted', 'assigned', 'unassigned', 'delegated', 'not_assigned')),
        DROP CONSTRAINT workflow_history_actor_check,
        -- A timer's line has no actor; a line with no actor is a timer's, an automatic move or an
        -- assignment on entry.
        ADD CONSTRAINT workflow_history_actor_check
          CHECK (timer_id IS NULL OR actor_id IS NULL),
        ADD CONSTRAINT workflow_history_system_check
          CHECK (actor_id IS NOT NULL OR timer_id IS NOT NULL OR kind IN ('moved', 'assigned', 'not_assigned'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DELETE FROM workflow_history WHERE kind = 'not_assigned' OR (actor_id IS NULL AND timer_id IS NULL)`,
    );
    await queryRunner.query(`DELETE FROM workflow_assignments WHERE assigned_by IS NULL`);
    await queryRunner.query(`ALTER TABLE workflow_assignments ALTER COLUMN assigned_by SET NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE workflow_history
        DROP CONSTRAINT workflow_history_system_check,
        DROP CONSTRAINT workflow_history_actor_check,
        ADD CONSTRAINT workflow_history_actor_check CHECK ((actor_id IS NULL) = (timer_id IS NOT NULL)),
        DROP CONSTRAINT workflow_history_kind_check,
        ADD CONSTRAINT workflow_history_kind_check
          CHECK (kind IN ('started', 'moved', 'voted', 'assigned', 'unassigned', 'delegated'))`);
  }
}
