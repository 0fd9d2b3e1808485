import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type UserStatus = 'active' | 'suspended';

/** A person (or app) seen in a verified token, keyed by (identity source, subject), never by email. */
@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Identity source, from the verifying issuer: Entra tenant id, lower case (or the issuer URL, for other OIDC providers). */
  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  /** Subject in that source: Entra `oid`, lower case (or `sub`): immutable, unlike names and emails. */
  @Column({ name: 'object_id', type: 'text' })
  objectId!: string;

  /** Display data from the latest token; never used for authorization. */
  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName!: string | null;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'text' })
  status!: UserStatus;

  /** Roles the latest token mapped to (kept to list users by role and count admins). */
  @Column({ name: 'token_roles', type: 'text', array: true })
  tokenRoles!: string[];

  @Column({ name: 'sessions_revoked_before', type: 'timestamptz', nullable: true })
  sessionsRevokedBefore!: Date | null;

  /** Bumped by every change to the representation; the resource's ETag. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;
}
