import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Columns both shapes share, in the order both tables declare them. */
const BODY_COLUMNS = `id, occurred_at, actor_type, actor_tenant_id, actor_object_id, actor_name, action, resource_type,
  resource_id, outcome, before, after, request_id, client_ip, user_agent`;

/** Chain fields a sealing update may fill (once); every other column is frozen at insert. */
const CHAIN_FIELDS = `'{seq,prev_hash,hash,sealed_at}'::text[]`;

/**
 * Takes the audit chain off the write path (docs/adr/0018-audit-chain-sealed-by-the-worker.md):
 *
 * - Writers insert events unsealed (seq, prev_hash, hash, sealed_at NULL), stamped with their
 *   transaction id (`txid`, forced by a trigger so it cannot be forged) and an insertion-order
 *   `pos` (listing order, keyset cursors). No chain head is read or locked by a writer.
 * - The worker's sealer fills the chain fields later, once per row: the append-only trigger lets
 *   exactly that update through and nothing else (no DELETE, no TRUNCATE, no other UPDATE).
 * - The table is partitioned by month on `occurred_at`. Unique constraints must include the
 *   partition key, so `seq` is not unique in the database any more: the single sealer (serialized
 *   on the chain head's row) assigns it, and verification reports a duplicate as a broken link.
 *
 * Existing events are copied as they are (already sealed, `pos` = their `seq`): old chains verify.
 */
export class PartitionAuditEventsSealedByTheWorker1795825100000 implements MigrationInterface {
  name = 'PartitionAuditEventsSealedByTheWorker1795825100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const run = (sql: string) => queryRunner.query(sql);
    await run(`ALTER TABLE audit_events RENAME TO audit_events_unpartitioned`);
    await run(`
      CREATE TABLE audit_events (
        pos bigint GENERATED ALWAYS AS IDENTITY,
        txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
        id uuid NOT NULL,
        occurred_at timestamptz NOT NULL,
        actor_type text NOT NULL CHECK (actor_type IN ('user', 'system')),
        actor_tenant_id text,
        actor_object_id text,
        actor_name text,
        action text NOT NULL,
        resource_type text NOT NULL,
        resource_id text,
        outcome text NOT NULL CHECK (outcome IN ('succeeded', 'denied')),
        before jsonb,
        after jsonb,
        request_id text,
        client_ip text,
        user_agent text,
        seq bigint,
        prev_hash text,
        hash text,
        sealed_at timestamptz,
        CONSTRAINT audit_events_sealed_whole CHECK (
          (seq IS NULL) = (prev_hash IS NULL) AND (seq IS NULL) = (hash IS NULL) AND (seq IS NULL) = (sealed_at IS NULL)
        )
      ) PARTITION BY RANGE (occurred_at)`);
    await run(`
      CREATE FUNCTION audit_events_create_partition(month date) RETURNS boolean LANGUAGE plpgsql AS $$
      DECLARE
        part_name text := format('audit_events_y%sm%s', to_char(month, 'YYYY'), to_char(month, 'MM'));
      BEGIN
        IF to_regclass(part_name) IS NOT NULL THEN
          RETURN false;
        END IF;
        -- Month bounds in UTC whatever the session's time zone.
        EXECUTE format('CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)', part_name,
          date_trunc('month', month::timestamp) AT TIME ZONE 'UTC',
          (date_trunc('month', month::timestamp) + interval '1 month') AT TIME ZONE 'UTC');
        -- Statement triggers are not inherited: TRUNCATE of one partition must be refused too.
        EXECUTE format('CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON %I
          FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()', part_name);
        RETURN true;
      END
      $$`);
    await run(`
      CREATE FUNCTION audit_events_ensure_partitions(months_ahead integer) RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        this_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
        created integer := 0;
      BEGIN
        -- Two callers at once (replicas, the migration) would race on the same CREATE TABLE.
        PERFORM pg_advisory_xact_lock(1795825100000);
        FOR ahead IN 0..months_ahead LOOP
          IF audit_events_create_partition((this_month + make_interval(months => ahead))::date) THEN
            created := created + 1;
          END IF;
        END LOOP;
        RETURN created;
      END
      $$`);
    // A safety net for events outside every month created (a clock far off, an old import).
    await run(`CREATE TABLE audit_events_default PARTITION OF audit_events DEFAULT`);
    await run(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events_default
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
    await run(`
      SELECT audit_events_create_partition(month::date)
      FROM (SELECT DISTINCT date_trunc('month', occurred_at AT TIME ZONE 'UTC') AS month FROM audit_events_unpartitioned) months`);
    await run(`SELECT audit_events_ensure_partitions(3)`);
    await run(`
      INSERT INTO audit_events (pos, ${BODY_COLUMNS}, seq, prev_hash, hash, sealed_at)
      OVERRIDING SYSTEM VALUE
      SELECT seq, ${BODY_COLUMNS}, seq, prev_hash, hash, now() FROM audit_events_unpartitioned ORDER BY seq`);
    await run(`SELECT setval(pg_get_serial_sequence('audit_events', 'pos'), max(pos)) FROM audit_events`);
    await run(`DROP TABLE audit_events_unpartitioned`);

    await run(`ALTER TABLE audit_events ADD PRIMARY KEY (pos, occurred_at)`);
    await run(`ALTER TABLE audit_events ADD CONSTRAINT audit_events_id_key UNIQUE (id, occurred_at)`);
    // The query filters (actor, resource, action, each with a time range), newest first by position.
    await run(`CREATE INDEX audit_events_actor_idx ON audit_events (actor_tenant_id, actor_object_id, pos DESC)`);
    await run(`CREATE INDEX audit_events_resource_idx ON audit_events (resource_type, resource_id, pos DESC)`);
    await run(`CREATE INDEX audit_events_action_idx ON audit_events (action, pos DESC)`);
    await run(`CREATE INDEX audit_events_time_idx ON audit_events (occurred_at)`);
    // Chain walks; `pos` breaks ties, so that a duplicated seq is walked (and reported), not skipped.
    await run(`CREATE INDEX audit_events_chain_idx ON audit_events (seq, pos)`);
    // The sealer's queue and the backlog metric: small, as rows leave it once sealed.
    await run(`CREATE INDEX audit_events_unsealed_idx ON audit_events (txid, pos) WHERE seq IS NULL`);

    await run(`
      CREATE FUNCTION audit_events_insert_unsealed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.seq IS NOT NULL OR NEW.prev_hash IS NOT NULL OR NEW.hash IS NOT NULL OR NEW.sealed_at IS NOT NULL THEN
          RAISE EXCEPTION 'audit_events: an event is inserted unsealed; only the sealer links it into the chain'
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        -- The sealer's watermark relies on it: the writer's own transaction, never a chosen one.
        NEW.txid := pg_current_xact_id();
        RETURN NEW;
      END
      $$`);
    await run(`
      CREATE FUNCTION audit_events_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND NEW.seq IS NOT NULL
           AND to_jsonb(NEW) - ${CHAIN_FIELDS} = to_jsonb(OLD) - ${CHAIN_FIELDS} THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_events is append-only: % rejected', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await run(`
      CREATE TRIGGER audit_events_insert_unsealed BEFORE INSERT ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_insert_unsealed()`);
    await run(`
      CREATE TRIGGER audit_events_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_seal_only()`);
    await run(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
  }

  /** Back to one table and a chain written by the writers; refused while events wait to be sealed. */
  async down(queryRunner: QueryRunner): Promise<void> {
    const run = (sql: string) => queryRunner.query(sql);
    const [{ unsealed }] = (await run(`SELECT count(*)::int AS unsealed FROM audit_events WHERE seq IS NULL`)) as {
      unsealed: number;
    }[];
    if (unsealed > 0) throw new Error(`${unsealed} audit events are not sealed yet; let the sealer finish first`);
    await run(`ALTER TABLE audit_events RENAME TO audit_events_partitioned`);
    await run(`
      CREATE TABLE audit_events (
        seq bigint PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        occurred_at timestamptz NOT NULL,
        actor_type text NOT NULL CHECK (actor_type IN ('user', 'system')),
        actor_tenant_id text,
        actor_object_id text,
        actor_name text,
        action text NOT NULL,
        resource_type text NOT NULL,
        resource_id text,
        outcome text NOT NULL CHECK (outcome IN ('succeeded', 'denied')),
        before jsonb,
        after jsonb,
        request_id text,
        client_ip text,
        user_agent text,
        prev_hash text NOT NULL,
        hash text NOT NULL
      )`);
    await run(`
      INSERT INTO audit_events (seq, ${BODY_COLUMNS}, prev_hash, hash)
      SELECT seq, ${BODY_COLUMNS}, prev_hash, hash FROM audit_events_partitioned ORDER BY seq`);
    // DROP TABLE goes round the row triggers (as TRUNCATE would not).
    await run(`DROP TABLE audit_events_partitioned`);
    await run(`DROP FUNCTION audit_events_ensure_partitions(integer)`);
    await run(`DROP FUNCTION audit_events_create_partition(date)`);
    await run(`DROP FUNCTION audit_events_insert_unsealed()`);
    await run(`DROP FUNCTION audit_events_seal_only()`);
    await run(`CREATE INDEX audit_events_actor_idx ON audit_events (actor_tenant_id, actor_object_id, seq DESC)`);
    await run(`CREATE INDEX audit_events_resource_idx ON audit_events (resource_type, resource_id, seq DESC)`);
    await run(`CREATE INDEX audit_events_action_idx ON audit_events (action, seq DESC)`);
    await run(`CREATE INDEX audit_events_time_idx ON audit_events (occurred_at)`);
    await run(`
      CREATE TRIGGER audit_events_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
    await run(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
  }
}
