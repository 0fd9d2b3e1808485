import { ApiProperty } from '@nestjs/swagger';
import { API_SCHEMA } from '@flowgate/core';
import { ROLES, type Role } from '@flowgate/auth';

export class RoleGrantDto {
  @ApiProperty(API_SCHEMA.uuid)
  userId!: string;
  @ApiProperty({ enum: ROLES })
  role!: Role;
  /** The admin who granted it. */
  @ApiProperty({ ...API_SCHEMA.uuid, nullable: true })
  grantedBy!: string | null;
  @ApiProperty(API_SCHEMA.dateTime)
  grantedAt!: string;
}
