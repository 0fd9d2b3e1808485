import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '@flowgate/auth';

export class RoleSourceDto {
  @ApiProperty({ enum: ROLES })
  role!: Role;
  /** `grant`, or the token claim it came from (`token:roles:Flowgate.Admin`, `token:groups:<id>`). */
  source!: string;
}
