import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Workflows (DESIGN §5): immutable definition versions, instances pinned to the version they
 * started on, their append-only history (moves and quorum votes), and the outbox the worker will
 * deliver from. Two rules are enforced by the database as well as by the code, because they must
 * hold whoever writes: a published definition never changes, and an instance in a terminal state
 * never changes again.
 */
export class CreateWorkflows1795819000000 implements MigrationInterface {
  name = 'CreateWorkflows1795819000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE workflow_definitions (
        key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9-]{1,62}$'),
        version integer NOT NULL CHECK (version >= 1),
        title text NOT NULL,
        -- The validated, normalised definition the engine runs.
        definition jsonb NOT NULL,
        -- NULL for definitions the system seeded.
        published_by uuid REFERENCES users (id),
        published_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        PRIMARY KEY (key, version)
      )`);
    await queryRunner.query(`
      CREATE FUNCTION workflow_definitions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'published workflow definitions are immutable: % rejected', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER workflow_definitions_no_update_or_delete BEFORE UPDATE OR DELETE ON workflow_definitions
      FOR EACH ROW EXECUTE FUNCTION workflow_definitions_immutable()`);

    await queryRunner.query(`
      CREATE TABLE workflow_instances (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        definition_key text NOT NULL,
        definition_version integer NOT NULL,
        state text NOT NULL,
        terminal boolean NOT NULL DEFAULT false,
        data jsonb,
        initiator_id uuid NOT NULL REFERENCES users (id),
        version integer NOT NULL DEFAULT 1,
        -- Millisecond precision: paging cursors carry JavaScript dates.
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (definition_key, definition_version) REFERENCES workflow_definitions (key, version)
      )`);
    // Newest first paging, and the list filters (definition and state; initiator).
    await queryRunner.query(
      `CREATE INDEX workflow_instances_created_idx ON workflow_instances (created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX workflow_instances_definition_state_idx ON workflow_instances (definition_key, state, created_at DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX workflow_instances_initiator_idx ON workflow_instances (initiator_id, created_at DESC)`,
    );
    await queryRunner.query(`
      CREATE FUNCTION workflow_instances_terminal_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.terminal THEN
          RAISE EXCEPTION 'workflow instance % is in terminal state %: % rejected', OLD.id, OLD.state, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER workflow_instances_terminal_guard BEFORE UPDATE OR DELETE ON workflow_instances
      FOR EACH ROW EXECUTE FUNCTION workflow_instances_terminal_is_final()`);

    await queryRunner.query(`
      CREATE TABLE workflow_history (
        instance_id uuid NOT NULL REFERENCES workflow_instances (id),
        seq integer NOT NULL CHECK (seq >= 1),
        kind text NOT NULL CHECK (kind IN ('started', 'moved', 'voted')),
        transition text,
        from_state text,
        to_state text NOT NULL,
        actor_id uuid NOT NULL REFERENCES users (id),
        input jsonb,
        comment text,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (instance_id, seq),
        CHECK ((kind = 'started') = (transition IS NULL))
      )`);
    await queryRunner.query(`
      CREATE FUNCTION workflow_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'workflow_history is append-only: % rejected', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER workflow_history_no_update_or_delete BEFORE UPDATE OR DELETE ON workflow_history
      FOR EACH ROW EXECUTE FUNCTION workflow_history_append_only()`);

    await queryRunner.query(`
      CREATE TABLE outbox_events (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        aggregate_type text NOT NULL,
        aggregate_id uuid NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz
      )`);
    // The worker polls what is still to deliver, oldest first.
    await queryRunner.query(`CREATE INDEX outbox_events_pending_idx ON outbox_events (id) WHERE delivered_at IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE outbox_events`);
    await queryRunner.query(`DROP TABLE workflow_history`);
    await queryRunner.query(`DROP FUNCTION workflow_history_append_only()`);
    await queryRunner.query(`DROP TABLE workflow_instances`);
    await queryRunner.query(`DROP FUNCTION workflow_instances_terminal_is_final()`);
    await queryRunner.query(`DROP TABLE workflow_definitions`);
    await queryRunner.query(`DROP FUNCTION workflow_definitions_immutable()`);
  }
}
