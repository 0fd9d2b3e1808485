import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '@flowgate/core';
import { ROLES, type Role } from '@flowgate/auth';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['active', 'suspended'] })
  @IsOptional()
  @IsIn(['active', 'suspended'])
  status?: 'active' | 'suspended';

  /** Users holding this role directly (granted or from their latest token). */
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  /** Case-insensitive part of the display name or email. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}
