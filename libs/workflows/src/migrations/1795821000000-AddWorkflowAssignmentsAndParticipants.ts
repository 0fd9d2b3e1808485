import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Authority at the instance (docs/workflows.md "Who may do what"): who is assigned to an instance
 * now, who has taken part in it, and where its current visit to a state began. Lists ask "which
 * instances may this person see / act on" in SQL, so each of these is a table or column with an
 * index behind it rather than something recomputed from the history per row.
 */
export class AddWorkflowAssignmentsAndParticipants1795821000000 implements MigrationInterface {
  name = 'AddWorkflowAssignmentsAndParticipants1795821000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The people assigned to the instance in its current state; a move clears them.
    await queryRunner.query(`
      CREATE TABLE workflow_assignments (
        instance_id uuid NOT NULL REFERENCES workflow_instances (id),
        user_id uuid NOT NULL REFERENCES users (id),
        assigned_by uuid NOT NULL REFERENCES users (id),
        assigned_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (instance_id, user_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX workflow_assignments_user_idx ON workflow_assignments (user_id, instance_id)`,
    );

    // Everyone who ever started, was assigned to, or acted on an instance; rows are only added.
    // The instance's creation time is copied in so "my instances" pages straight off this index,
    // newest first, in the same keyset order as the instance list.
    await queryRunner.query(`
      CREATE TABLE workflow_participants (
        instance_id uuid NOT NULL REFERENCES workflow_instances (id),
        user_id uuid NOT NULL REFERENCES users (id),
        instance_created_at timestamptz NOT NULL,
        PRIMARY KEY (instance_id, user_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX workflow_participants_user_idx ON workflow_participants (user_id, instance_created_at DESC, instance_id DESC)`,
    );
    await queryRunner.query(`
      INSERT INTO workflow_participants (instance_id, user_id, instance_created_at)
      SELECT id, initiator_id, created_at FROM workflow_instances
      UNION
      SELECT h.instance_id, h.actor_id, i.created_at FROM workflow_history h JOIN workflow_instances i ON i.id = h.instance_id`);

    // Where the current visit to the state began: votes cast after it are the ones that count.
    await queryRunner.query(`ALTER TABLE workflow_instances ADD COLUMN state_entered_seq integer NOT NULL DEFAULT 1`);
    // Terminal instances keep the default: nothing is judged on them any more, and the terminal
    // guard rightly refuses to touch them.
    await queryRunner.query(`
      UPDATE workflow_instances i SET state_entered_seq = (
        SELECT max(h.seq) FROM workflow_history h WHERE h.instance_id = i.id AND h.kind IN ('started', 'moved'))
      WHERE NOT i.terminal`);
    // The list filters on the full (definition, version, state) place of rules it can act on.
    await queryRunner.query(`DROP INDEX workflow_instances_definition_state_idx`);
    await queryRunner.query(
      `CREATE INDEX workflow_instances_place_idx ON workflow_instances (definition_key, definition_version, state, created_at DESC, id DESC)`,
    );

    // Assignment changes are part of an instance's story, so they are history lines too.
    await queryRunner.query(`ALTER TABLE workflow_history ADD COLUMN assignee_id uuid REFERENCES users (id)`);
    await queryRunner.query(`ALTER TABLE workflow_history DROP CONSTRAINT workflow_history_kind_check`);
    await queryRunner.query(`ALTER TABLE workflow_history DROP CONSTRAINT workflow_history_check`);
    await queryRunner.query(`
      ALTER TABLE workflow_history
        ADD CONSTRAINT workflow_history_kind_check
          CHECK (kind IN ('started', 'moved', 'voted', 'assigned', 'unassigned', 'delegated')),
        ADD CONSTRAINT workflow_history_transition_check
          CHECK ((kind IN ('moved', 'voted')) = (transition IS NOT NULL)),
        ADD CONSTRAINT workflow_history_assignee_check
          CHECK ((kind IN ('assigned', 'unassigned', 'delegated')) = (assignee_id IS NOT NULL))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE workflow_history
        DROP CONSTRAINT workflow_history_assignee_check,
        DROP CONSTRAINT workflow_history_transition_check,
        DROP CONSTRAINT workflow_history_kind_check`);
    // History is append-only: once assignment lines exist the old checks cannot hold again, and
    // this fails (leaving everything as it was) rather than delete part of an instance's story.
    await queryRunner.query(`
      ALTER TABLE workflow_history
        ADD CONSTRAINT workflow_history_kind_check CHECK (kind IN ('started', 'moved', 'voted')),
        ADD CONSTRAINT workflow_history_check CHECK ((kind = 'started') = (transition IS NULL))`);
    await queryRunner.query(`ALTER TABLE workflow_history DROP COLUMN assignee_id`);
    await queryRunner.query(`DROP INDEX workflow_instances_place_idx`);
    await queryRunner.query(
      `CREATE INDEX workflow_instances_definition_state_idx ON workflow_instances (definition_key, state, created_at DESC)`,
    );
    await queryRunner.query(`ALTER TABLE workflow_instances DROP COLUMN state_entered_seq`);
    await queryRunner.query(`DROP TABLE workflow_participants`);
    await queryRunner.query(`DROP TABLE workflow_assignments`);
  }
}
