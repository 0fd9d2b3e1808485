import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role } from '@flowgate/auth';
import { RoleSourceDto } from './role-source.dto';
import { StepUpStateDto } from './step-up-state.dto';

export class MeDto {
  id!: string;
  tenantId!: string;
  objectId!: string;
  displayName!: string | null;
  email!: string | null;
  @ApiProperty({ enum: ['active', 'suspended'] })
  status!: 'active' | 'suspended';
  @ApiProperty({ type: [RoleSourceDto] })
  roleSources!: RoleSourceDto[];
  /** Every role held, with the hierarchy applied. */
  @ApiProperty({ enum: ROLES, isArray: true })
  effectiveRoles!: Role[];
  @ApiProperty({ type: StepUpStateDto })
  stepUp!: StepUpStateDto;
  tokenExpiresAt!: string;
}
