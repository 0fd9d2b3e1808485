import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  DEFINITION_KEY_PATTERN,
  DEFINITION_LIMITS,
  DESCRIPTION_BOUNDS,
  TITLE_BOUNDS,
} from '../../definition/workflow-definition';
import { StateDocumentDto } from './state-document.dto';
import { TransitionDocumentDto } from './transition-document.dto';

/**
 * A definition document to publish (docs/workflows.md). Documentation only: the body is checked by
 * the definition validator, which reports every violation at once, not by the validation pipe.
 */
export class DefinitionDocumentDto {
  /** Publishing an existing key adds a version. */
  @ApiProperty({ pattern: DEFINITION_KEY_PATTERN.source, example: 'purchase-request' })
  key!: string;
  @ApiProperty({ minLength: TITLE_BOUNDS.min, maxLength: TITLE_BOUNDS.max, example: 'Purchase request' })
  title!: string;
  @ApiPropertyOptional({ minLength: DESCRIPTION_BOUNDS.min, maxLength: DESCRIPTION_BOUNDS.max })
  description?: string;
  /** JSON Schema (draft 2020-12, ajv strict mode) of an instance's data at start. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  dataSchema?: Record<string, unknown>;
  /** JSON Pointers into `data` that no transition changes after start, except one listing it in `writesReadOnly`. */
  @ApiPropertyOptional({ type: [String], maxItems: DEFINITION_LIMITS.maxFieldsPerList, example: ['/amount'] })
  readOnly?: string[];
  @ApiProperty({ type: [StateDocumentDto], maxItems: DEFINITION_LIMITS.maxStates })
  states!: StateDocumentDto[];
  @ApiProperty({ type: [TransitionDocumentDto], maxItems: DEFINITION_LIMITS.maxTransitions })
  transitions!: TransitionDocumentDto[];
}
