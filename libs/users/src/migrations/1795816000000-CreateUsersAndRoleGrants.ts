import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsersAndRoleGrants1795816000000 implements MigrationInterface {
  name = 'CreateUsersAndRoleGrants1795816000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id text NOT NULL,
        object_id text NOT NULL,
        display_name text,
        email text,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        token_roles text[] NOT NULL DEFAULT '{}',
        sessions_revoked_before timestamptz,
        version integer NOT NULL DEFAULT 1,
        -- Millisecond precision: paging cursors carry JavaScript dates, which have no microseconds.
        created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
        updated_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_tenant_object_unique UNIQUE (tenant_id, object_id)
      )`);
    // Keyset paging walks (created_at, id); the status filter is the common admin query.
    await queryRunner.query(`CREATE INDEX users_created_id_idx ON users (created_at, id)`);
    await queryRunner.query(`CREATE INDEX users_status_idx ON users (status)`);
    await queryRunner.query(`
      CREATE TABLE role_grants (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('viewer', 'requester', 'approver', 'admin', 'auditor')),
        granted_by uuid REFERENCES users (id) ON DELETE SET NULL,
        granted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, role)
      )`);
    await queryRunner.query(`CREATE INDEX role_grants_role_idx ON role_grants (role)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE role_grants`);
    await queryRunner.query(`DROP TABLE users`);
  }
}
