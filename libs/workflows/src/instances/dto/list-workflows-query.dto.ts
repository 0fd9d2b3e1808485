import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from '@flowgate/core';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, Matches } from 'class-validator';
import { DEFINITION_KEY_PATTERN, NAME_PATTERN } from '../../definition/workflow-definition';

export class ListWorkflowsQueryDto extends PageQueryDto {
  /** Instances of this definition (any version). */
  @ApiPropertyOptional({ pattern: DEFINITION_KEY_PATTERN.source })
  @IsOptional()
  @Matches(DEFINITION_KEY_PATTERN, { message: 'definitionKey must be a definition key' })
  definitionKey?: string;

  /** Instances in this state. */
  @ApiPropertyOptional({ pattern: NAME_PATTERN.source })
  @IsOptional()
  @Matches(NAME_PATTERN, { message: 'state must be a state name' })
  state?: string;

  /** `me`, or a user id; only narrows what you may see. */
  @ApiPropertyOptional({ example: 'me' })
  @IsOptional()
  @Matches(/^(me|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i, {
    message: 'initiator must be "me" or a user id',
  })
  initiator?: string;

  /**
   * Only instances where `available-transitions` offers you at least one transition now: role,
   * actor rule, assignment, separation of duties and votes already cast all applied (a missing
   * step-up does not hide one: the work still waits for you).
   */
  @ApiPropertyOptional({ type: 'boolean' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  waitingForMe?: boolean;
}
