import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NAME_PATTERN, TITLE_BOUNDS } from '../../definition/workflow-definition';

/** A state as submitted. */
export class StateDocumentDto {
  /** Unique within the definition. */
  @ApiProperty({ pattern: NAME_PATTERN.source, example: 'submitted' })
  name!: string;
  @ApiPropertyOptional({ minLength: TITLE_BOUNDS.min, maxLength: TITLE_BOUNDS.max, example: 'Awaiting approval' })
  title?: string;
  /** Exactly one state is initial. */
  @ApiPropertyOptional({ default: false })
  initial?: boolean;
  /** At least one state is terminal; nothing may leave it. */
  @ApiPropertyOptional({ default: false })
  terminal?: boolean;
}
