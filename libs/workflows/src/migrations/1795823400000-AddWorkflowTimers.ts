import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Timers (docs/workflows.md "Timers"): one row per timer transition each time an instance enters
 * its from-state, armed in the unit of work of that entry and settled (fired or cancelled) in the
 * unit of work that ends it. The worker claims due rows with `FOR UPDATE SKIP LOCKED` through the
 * partial index on `due_at`.
 *
 * Exactly once per entry is the database's rule, not only the claim's: a timer exists once per
 * (instance, entry, transition), and a history line names the timer that fired it, uniquely; the
 * system's lines are exactly those (no actor, a timer).
 */
export class AddWorkflowTimers1795823400000 implements MigrationInterface {
  name = 'AddWorkflowTimers1795823400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE workflow_timers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        instance_id uuid NOT NULL REFERENCES workflow_instances (id),
        transition text NOT NULL,
        -- The history line that entered the state: the visit this timer belongs to.
        entered_seq integer NOT NULL CHECK (entered_seq >= 1),
        due_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'fired', 'cancelled')),
        settled_at timestamptz,
        -- Firings that failed (rolled back); a failed timer waits until retry_at, so one that keeps
        -- failing never holds up the timers due after it.
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        retry_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (instance_id, entered_seq, transition),
        CHECK ((status = 'pending') = (settled_at IS NULL))
      )`);
    // What the worker polls: pending rows by due time, however many settled rows pile up.
    await queryRunner.query(
      `CREATE INDEX workflow_timers_due_idx ON workflow_timers (due_at) WHERE status = 'pending'`,
    );
    // An instance's pending timers: shown with it, cancelled when it leaves the state.
    await queryRunner.query(
      `CREATE INDEX workflow_timers_instance_pending_idx ON workflow_timers (instance_id) WHERE status = 'pending'`,
    );

    await queryRunner.query(`ALTER TABLE workflow_history ADD COLUMN timer_id uuid REFERENCES workflow_timers (id)`);
    await queryRunner.query(`ALTER TABLE workflow_history ALTER COLUMN actor_id DROP NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE workflow_history
        ADD CONSTRAINT workflow_history_timer_fires_once UNIQUE (timer_id),
        ADD CONSTRAINT workflow_history_actor_check CHECK ((actor_id IS NULL) = (timer_id IS NOT NULL)),
        ADD CONSTRAINT workflow_history_timer_moves_check CHECK (timer_id IS NULL OR kind = 'moved')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // Fails (changing nothing) once a timer has fired: history is append-only, and its system lines
    // cannot be given an actor after the fact.
    await queryRunner.query(`
      ALTER TABLE workflow_history
        DROP CONSTRAINT workflow_history_timer_moves_check,
        DROP CONSTRAINT workflow_history_actor_check,
        DROP CONSTRAINT workflow_history_timer_fires_once`);
    await queryRunner.query(`ALTER TABLE workflow_history ALTER COLUMN actor_id SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE workflow_history DROP COLUMN timer_id`);
    await queryRunner.query(`DROP TABLE workflow_timers`);
  }
}
