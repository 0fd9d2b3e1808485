import { ApiPropertyOptional } from '@nestjs/swagger';
import { DEFINITION_LIMITS, NAME_PATTERN } from '../../definition/workflow-definition';

/** Separation of duties rules as submitted. */
export class SeparationOfDutiesDocumentDto {
  /** The user who started the instance may not take the transition. */
  @ApiPropertyOptional({ default: false })
  notInitiator?: boolean;
  /** Declared transition names, distinct: whoever took one of them may not take this one. */
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', pattern: NAME_PATTERN.source },
    maxItems: DEFINITION_LIMITS.maxNotPreviousActorOf,
    uniqueItems: true,
  })
  notPreviousActorOf?: string[];
}
