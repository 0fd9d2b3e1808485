import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '@flowgate/auth';

export class RoleGrantDto {
  userId!: string;
  @ApiProperty({ enum: ROLES })
  role!: Role;
  /** The admin who granted it. */
  grantedBy!: string | null;
  grantedAt!: string;
}
