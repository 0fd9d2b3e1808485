import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLES, type Role } from '@flowgate/roles';
import { SeparationOfDutiesDto } from './separation-of-duties.dto';

export class TransitionDefinitionDto {
  /** snake_case, unique within the definition. @example "approve" */
  name!: string;
  /** @example "Approve" */
  title?: string;
  /** The states it leaves (always a list once published). */
  @ApiProperty({ type: [String], example: ['submitted'] })
  from!: readonly string[];
  /** @example "approved" */
  to!: string;
  /** The minimum role (hierarchy-aware); absent: any authenticated user. */
  @ApiPropertyOptional({ enum: ROLES })
  role?: Role;
  /** Requires a recent strong authentication (MFA). */
  stepUp!: boolean;
  @ApiProperty({ type: SeparationOfDutiesDto })
  separationOfDuties!: SeparationOfDutiesDto;
  /** How many distinct people must take it before it fires. */
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 20, example: 1 })
  quorum!: number;
  /** JSON Schema (draft 2020-12) of the transition's input; absent: it takes no input. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  input?: Record<string, unknown>;
  /** ISO 8601 duration after which it fires by itself. @example "P30D" */
  timer?: string;
  /** The CEL condition that must hold to take it. @example "data.amount > 1000.0" */
  when?: string;
  /** By JSON Pointer into `data`, the CEL expression whose value the field takes. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } })
  set?: Readonly<Record<string, string>>;
  /** Read-only fields its `set` may change nonetheless. */
  @ApiPropertyOptional({ type: [String] })
  writesReadOnly?: readonly string[];
  /** Present (true) when it fires by itself on entering its from-state. */
  @ApiPropertyOptional({ enum: [true] })
  auto?: true;
}
