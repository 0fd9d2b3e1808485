/**
 * Every code `validateDefinition` can report. Clients branch on them, so they are stable: adding
 * one is fine, renaming or re-purposing one is a breaking change. `docs/workflows.md` explains each.
 */
export const VIOLATION_CODES = [
  // Shape: what one field holds.
  'invalid_type',
  'missing_property',
  'unknown_property',
  'invalid_key',
  'invalid_name',
  'invalid_length',
  'too_few_items',
  'too_many_items',
  'out_of_range',
  'invalid_duration',
  'unknown_role',
  'unknown_actor',
  'unknown_visibility',
  // Rules of one transition that no one could ever satisfy together.
  'contradictory_rules',
  // JSON Schemas in `dataSchema` and `input`.
  'invalid_schema',
  'schema_too_deep',
  'unresolved_schema_ref',
  // Conditions (`when`): CEL that does not parse or type-check, or reads a field no schema declares.
  'invalid_condition',
  'unknown_field',
  'invalid_pointer',
  'invalid_set',
  'read_only_field',
  'invalid_assignment',
  'invalid_automatic',
  'automatic_cycle',
  'no_way_out',
  // Names and references.
  'duplicate_state',
  'duplicate_transition',
  'duplicate_reference',
  'unknown_state',
  'unknown_transition',
  // The graph.
  'no_initial_state',
  'multiple_initial_states',
  'no_terminal_state',
  'unreachable_state',
  'no_path_to_terminal',
  'transition_from_terminal',
] as const;

export type ViolationCode = (typeof VIOLATION_CODES)[number];

export interface DefinitionViolation {
  /** RFC 6901 JSON Pointer into the submitted document, e.g. `/transitions/3/to`. */
  readonly pointer: string;
  readonly code: ViolationCode;
  readonly detail: string;
}
