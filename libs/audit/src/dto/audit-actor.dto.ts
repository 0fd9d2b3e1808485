import { ApiProperty } from '@nestjs/swagger';

export class AuditActorDto {
  @ApiProperty({ enum: ['user', 'system'] })
  type!: 'user' | 'system';
  /** Entra tenant id of the acting user. */
  tenantId!: string | null;
  /** Entra object id of the acting user. */
  objectId!: string | null;
  displayName!: string | null;
}
