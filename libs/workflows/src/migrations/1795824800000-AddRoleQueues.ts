import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Role queues (docs/workflows.md "Assignment on entry"): a state may queue its work to a role on
 * entry. The instance carries the role for the visit to the state (`assigned_role`, cleared by the
 * move that leaves it, never on a terminal instance), and the history line of the queueing names
 * it: an `assigned` line by the system with a role and no person. No index of its own: every
 * instance in a queued place (definition version, state) carries that place's role, so the inbox
 * walks the queued places through `workflow_instances_place_idx`, like the places of its rules.
 */
export class AddRoleQueues1795824800000 implements MigrationInterface {
  name = 'AddRoleQueues1795824800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE workflow_instances
        ADD COLUMN assigned_role text,
        ADD CONSTRAINT workflow_instances_assigned_role_check CHECK (assigned_role IS NULL OR NOT terminal)`);
    await queryRunner.query(`
      ALTER TABLE workflow_history
        ADD COLUMN assigned_role text,
        DROP CONSTRAINT workflow_history_assignee_check,
        -- An assignment line names a person, or (queued on entry, by the system) a role: never both.
        ADD CONSTRAINT workflow_history_assignee_check
          CHECK ((kind IN ('assigned', 'unassigned', 'delegated')) = (assignee_id IS NOT NULL OR assigned_role IS NOT NULL)),
        ADD CONSTRAINT workflow_history_assigned_role_check
          CHECK (assigned_role IS NULL OR (kind = 'assigned' AND assignee_id IS NULL AND actor_id IS NULL))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // History is append-only (a trigger refuses DELETE): the queueing lines stay, and the old rule
    // holds for new lines only (NOT VALID), so going back loses no history.
    await queryRunner.query(`
      ALTER TABLE workflow_history
        DROP CONSTRAINT workflow_history_assigned_role_check,
        DROP CONSTRAINT workflow_history_assignee_check,
        DROP COLUMN assigned_role,
        ADD CONSTRAINT workflow_history_assignee_check
          CHECK ((kind IN ('assigned', 'unassigned', 'delegated')) = (assignee_id IS NOT NULL)) NOT VALID`);
    await queryRunner.query(`ALTER TABLE workflow_instances DROP COLUMN assigned_role`);
  }
}
