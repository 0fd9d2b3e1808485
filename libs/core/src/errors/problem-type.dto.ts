import { ApiProperty } from '@nestjs/swagger';

export class ProblemTypeDto {
  /** Stable machine-readable code, as in a problem's `code` member. @example "validation_failed" */
  code!: string;
  /** The problem's `type` URI. @example "https://flowgate.dev/problems/validation-failed" */
  type!: string;
  /** @example "The request is not valid" */
  title!: string;
  /** HTTP status that problems of this type carry. */
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 400 })
  status!: number;
}
