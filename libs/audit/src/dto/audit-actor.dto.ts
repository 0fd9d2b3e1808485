import { ApiProperty } from '@nestjs/swagger';

export class AuditActorDto {
  @ApiProperty({ enum: ['user', 'system'] })
  type!: 'user' | 'system';
  /** Identity source of the acting user: Entra tenant id, or the issuer URL for other OIDC providers. */
  tenantId!: string | null;
  /** The acting user within that source: Entra object id (`oid`), or `sub` for other OIDC providers. */
  objectId!: string | null;
  displayName!: string | null;
}
