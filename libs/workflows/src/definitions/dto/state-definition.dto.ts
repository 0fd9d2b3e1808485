export class StateDefinitionDto {
  /** snake_case, unique within the definition. @example "submitted" */
  name!: string;
  /** @example "Awaiting approval" */
  title?: string;
  /** Exactly one state is initial: instances start there. */
  initial!: boolean;
  /** Nothing leaves a terminal state. */
  terminal!: boolean;
}
