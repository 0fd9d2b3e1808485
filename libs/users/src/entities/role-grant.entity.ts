import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A role an admin granted; effective roles are these plus the token's. */
@Entity({ name: 'role_grants' })
export class RoleGrantEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @PrimaryColumn({ type: 'text' })
  role!: string;

  @Column({ name: 'granted_by', type: 'uuid', nullable: true })
  grantedBy!: string | null;

  @Column({ name: 'granted_at', type: 'timestamptz' })
  grantedAt!: Date;
}
