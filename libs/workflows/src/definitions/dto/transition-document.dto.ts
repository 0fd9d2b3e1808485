import { CONDITION_LIMITS } from '../../definition/conditions/compile-condition';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLES, type Role } from '@flowgate/roles';
import { DEFINITION_LIMITS, NAME_PATTERN, TITLE_BOUNDS } from '../../definition/workflow-definition';
import { SeparationOfDutiesDocumentDto } from './separation-of-duties-document.dto';

/** A transition as submitted. */
export class TransitionDocumentDto {
  /** Unique within the definition. */
  @ApiProperty({ pattern: NAME_PATTERN.source, example: 'approve' })
  name!: string;
  @ApiPropertyOptional({ minLength: TITLE_BOUNDS.min, maxLength: TITLE_BOUNDS.max, example: 'Approve' })
  title?: string;
  /** The state it leaves, or a list of distinct states; none of them terminal. */
  @ApiProperty({
    oneOf: [
      { type: 'string', pattern: NAME_PATTERN.source },
      {
        type: 'array',
        items: { type: 'string', pattern: NAME_PATTERN.source },
        minItems: 1,
        maxItems: DEFINITION_LIMITS.maxFromStates,
        uniqueItems: true,
      },
    ],
    example: 'submitted',
  })
  from!: string | string[];
  /** A declared state. */
  @ApiProperty({ pattern: NAME_PATTERN.source, example: 'approved' })
  to!: string;
  /** The minimum role (hierarchy-aware); absent: any authenticated user. */
  @ApiPropertyOptional({ enum: ROLES })
  role?: Role;
  /** Requires a recent strong authentication (MFA). */
  @ApiPropertyOptional({ default: false })
  stepUp?: boolean;
  @ApiPropertyOptional({ type: SeparationOfDutiesDocumentDto })
  separationOfDuties?: SeparationOfDutiesDocumentDto;
  /** How many distinct people must take it before it fires. */
  @ApiPropertyOptional({
    type: 'integer',
    minimum: DEFINITION_LIMITS.minQuorum,
    maximum: DEFINITION_LIMITS.maxQuorum,
    default: 1,
  })
  quorum?: number;
  /** JSON Schema (draft 2020-12, ajv strict mode) of the transition's input; absent: no input. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  input?: Record<string, unknown>;
  /** ISO 8601 duration of whole numbers, not zero (`P3D`, `PT12H`). */
  @ApiPropertyOptional({ example: 'P30D' })
  timer?: string;
  /** A CEL condition over `data`, `input`, `actor` and `instance`, type-checked against the schemas. */
  @ApiPropertyOptional({ minLength: 1, maxLength: CONDITION_LIMITS.maxLength, example: 'data.amount > 1000.0' })
  when?: string;
  /** By JSON Pointer into `data` (a field the data schema declares), the CEL expression whose value it takes when the transition fires. */
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string', minLength: 1, maxLength: CONDITION_LIMITS.maxLength },
    example: { '/approvedAmount': 'input.approvedAmount' },
  })
  set?: Record<string, string>;
  /** Fields listed in the definition's `readOnly` that this transition's `set` may change nonetheless. */
  @ApiPropertyOptional({ type: [String], maxItems: DEFINITION_LIMITS.maxFieldsPerList, example: ['/amount'] })
  writesReadOnly?: string[];
  /** Fires by itself, as the system, on entering its from-state when its `when` holds (none: a default). */
  @ApiPropertyOptional({ default: false })
  auto?: boolean;
}
