import { ApiProperty, PickType } from '@nestjs/swagger';
import { API_SCHEMA } from '@flowgate/core';
import { ROLES, type Role } from '@flowgate/auth';
import { RoleSourceDto } from './role-source.dto';
import { StepUpStateDto } from './step-up-state.dto';
import { UserDto } from './user.dto';

/** The caller: their user record's identity fields, plus what this request's token says. */
export class MeDto extends PickType(UserDto, [
  'id',
  'tenantId',
  'objectId',
  'displayName',
  'email',
  'status',
] as const) {
  @ApiProperty({ type: [RoleSourceDto] })
  roleSources!: RoleSourceDto[];
  /** Every role held, with the hierarchy applied. */
  @ApiProperty({ enum: ROLES, isArray: true })
  effectiveRoles!: Role[];
  @ApiProperty({ type: StepUpStateDto })
  stepUp!: StepUpStateDto;
  @ApiProperty(API_SCHEMA.dateTime)
  tokenExpiresAt!: string;
}
