import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { NAME_PATTERN, TITLE_BOUNDS, type AssignTo } from '../../definition/workflow-definition';

// `{"initiator": true}` or `{"data": "/pointer"}`: exactly one of them.
export const ASSIGN_TO_SCHEMA: ApiPropertyOptions = {
  oneOf: [
    {
      type: 'object',
      properties: { initiator: { type: 'boolean', enum: [true] } },
      required: ['initiator'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: { data: { type: 'string', description: 'JSON Pointer to a string field of data: a user id.' } },
      required: ['data'],
      additionalProperties: false,
    },
  ],
};

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
  /** Who the state is assigned to when an instance enters it: the initiator, or the user a field of data names. */
  @ApiPropertyOptional(ASSIGN_TO_SCHEMA)
  assignTo?: AssignTo;
}
