import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '@flowgate/auth';

export class RoleDescriptionDto {
  @ApiProperty({ enum: ROLES })
  role!: Role;
  /** Every role this one implies (transitively), not itself. */
  @ApiProperty({ enum: ROLES, isArray: true })
  implies!: Role[];
  description!: string;
}
