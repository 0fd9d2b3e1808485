export class ProblemTypeDto {
  /** Stable machine-readable code, as in a problem's `code` member. @example "validation_failed" */
  code!: string;
  /** The problem's `type` URI. @example "https://flowgate.dev/problems/validation-failed" */
  type!: string;
  /** @example "The request is not valid" */
  title!: string;
  /** HTTP status that problems of this type carry. @example 400 */
  status!: number;
}
