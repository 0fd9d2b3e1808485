import { ApiPropertyOptional } from '@nestjs/swagger';
import type { AssignTo } from '../../definition/workflow-definition';
import { ASSIGN_TO_SCHEMA } from './state-document.dto';

export class StateDefinitionDto {
  /** snake_case, unique within the definition. @example "submitted" */
  name!: string;
  /** @example "Awaiting approval" */
  title?: string;
  /** Exactly one state is initial: instances start there. */
  initial!: boolean;
  /** Nothing leaves a terminal state. */
  terminal!: boolean;
  /** Who the state is assigned to on entry. */
  @ApiPropertyOptional(ASSIGN_TO_SCHEMA)
  assignTo?: AssignTo;
}
