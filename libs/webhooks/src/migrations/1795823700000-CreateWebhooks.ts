import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook subscriptions and their deliveries (docs/webhooks.md, ADR 15). A delivery is one event
 * for one subscription: the relay fans each outbox event out into deliveries in one transaction,
 * the deliverer claims due ones with `SKIP LOCKED`. `seq` orders the deliveries of one instance to
 * one subscription (the relay writes them in outbox order), which is the order they are sent in.
 */
export class CreateWebhooks1795823700000 implements MigrationInterface {
  name = 'CreateWebhooks1795823700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE webhook_subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url text NOT NULL,
        description text,
        event_types text[] NOT NULL CHECK (cardinality(event_types) >= 1),
        -- NULL: every definition.
        definition_keys text[],
        status text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'paused')),
        paused_reason text,
        paused_at timestamptz,
        -- Sealed with the configured key (never the secret itself): see secret-box.ts.
        secret_sealed text NOT NULL,
        -- The secret before the last rotation, which still signs until previous_secret_expires_at.
        previous_secret_sealed text,
        previous_secret_expires_at timestamptz,
        -- Failed attempts since the last success: the automatic pause counts these.
        consecutive_failures integer NOT NULL DEFAULT 0,
        version integer NOT NULL DEFAULT 1,
        created_by uuid REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((status = 'paused') = (paused_reason IS NOT NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX webhook_subscriptions_created_idx ON webhook_subscriptions (created_at DESC, id DESC)`,
    );

    await queryRunner.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigserial NOT NULL UNIQUE,
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
        outbox_event_id bigint NOT NULL,
        -- The webhook-id header: the same on every attempt and every redelivery.
        message_id text NOT NULL,
        event_type text NOT NULL,
        aggregate_id uuid NOT NULL,
        -- The exact bytes signed and sent, so every attempt sends the same body.
        body text NOT NULL,
        status text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'delivering', 'succeeded', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        -- While delivering: who holds it and until when; a crashed holder's lease runs out.
        lease_token uuid,
        lease_expires_at timestamptz,
        last_attempt_at timestamptz,
        last_status_code integer,
        last_latency_ms integer,
        last_error text,
        completed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        UNIQUE (subscription_id, outbox_event_id, event_type),
        CHECK ((status = 'delivering') = (lease_token IS NOT NULL))
      )`);
    // The deliverer's scan: open deliveries only, by due time.
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_open_idx ON webhook_deliveries (next_attempt_at)
       WHERE status IN ('pending', 'delivering')`,
    );
    // "Is an earlier delivery of this instance to this subscription still open?" (ordering).
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_chain_idx ON webhook_deliveries (subscription_id, aggregate_id, seq)
       WHERE status IN ('pending', 'delivering')`,
    );
    // The delivery log: newest first per subscription.
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (subscription_id, seq DESC)`,
    );
    // The relay's "is an older event of this instance still unpublished?"; the outbox table is the
    // workflows feature's, this index serves the relay's query only.
    await queryRunner.query(
      `CREATE INDEX outbox_events_pending_aggregate_idx ON outbox_events (aggregate_id, id) WHERE delivered_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX outbox_events_pending_aggregate_idx`);
    await queryRunner.query(`DROP TABLE webhook_deliveries`);
    await queryRunner.query(`DROP TABLE webhook_subscriptions`);
  }
}
