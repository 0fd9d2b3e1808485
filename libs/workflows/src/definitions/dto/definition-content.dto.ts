import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { StateDefinitionDto } from './state-definition.dto';
import { TransitionDefinitionDto } from './transition-definition.dto';

/** A published definition as the engine runs it: normalised, defaults filled in. */
export class DefinitionContentDto {
  /** @example "purchase-request" */
  key!: string;
  /** @example "Purchase request" */
  title!: string;
  description?: string;
  /** JSON Schema (draft 2020-12) of an instance's data at start; absent: instances start without data. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  dataSchema?: Record<string, unknown>;
  /** JSON Pointers into `data` that only a transition listing them in `writesReadOnly` changes. */
  @ApiPropertyOptional({ type: [String] })
  readOnly?: readonly string[];
  @ApiProperty({ type: [StateDefinitionDto] })
  states!: readonly StateDefinitionDto[];
  @ApiProperty({ type: [TransitionDefinitionDto] })
  transitions!: readonly TransitionDefinitionDto[];
}
