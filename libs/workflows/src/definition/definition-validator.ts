import type { ValidateFunction } from 'ajv/dist/2020';
import { checkConditions } from './check-conditions';
import { checkDataFields, type CompiledSet } from './check-data-fields';
import { checkAutomatic } from './check-automatic';
import { checkGraph } from './check-graph';
import type { CompiledCondition } from './conditions/compile-condition';
import { checkReferences } from './check-references';
import { checkRoleQueues } from './check-role-queues';
import { rememberCompiledSchemas, type CompiledSchemas } from './compiled-schemas';
import type { DefinitionViolation } from './definition-violation';
import type { Report } from './document-reader';
import { readDefinition, type DefinitionDraft } from './read-definition';
import type { TransitionDraft } from './read-transitions';
import { SchemaCompiler } from './schema-compiler';
import type { StateDefinition, TransitionDefinition, WorkflowDefinition } from './workflow-definition';

export type DefinitionValidation =
  | { readonly valid: true; readonly definition: WorkflowDefinition }
  | { readonly valid: false; readonly violations: readonly DefinitionViolation[] };

/**
 * Validates a submitted workflow definition and reports every violation, each with a JSON Pointer
 * into the document. Never throws: the document is whatever a client sent. On success returns the
 * normalized definition (`from` always a list, defaults filled), deeply frozen, with its schemas
 * already compiled for the engine.
 */
export function validateDefinition(document: unknown): DefinitionValidation {
  const violations: DefinitionViolation[] = [];
  const report: Report = (pointer, code, detail) => violations.push({ pointer, code, detail });
  try {
    const draft = readDefinition(document, new SchemaCompiler(), report);
    checkReferences(draft, report);
    checkGraph(draft, report);
    checkAutomatic(draft, report);
    const conditions = checkConditions(draft, report);
    const sets = checkDataFields(draft, report);
    checkRoleQueues(draft, report);
    if (violations.length > 0) return { valid: false, violations };
    const built = buildDefinition(draft, conditions, sets);
    if (built !== undefined) {
      rememberCompiledSchemas(built.definition, built.compiled);
      return { valid: true, definition: built.definition };
    }
    report('', 'invalid_type', 'the document could not be read as a workflow definition');
  } catch {
    // Parsed JSON never gets here; an in-process caller can pass a Proxy or an object whose getter
    // throws, and even that must come back as a verdict rather than an exception.
    report('', 'invalid_type', 'the document could not be read as JSON');
  }
  return { valid: false, violations };
}

/** Assembles the definition from a draft with no violations; undefined if a field is missing. */
function buildDefinition(
  draft: DefinitionDraft,
  conditions: ReadonlyMap<string, CompiledCondition>,
  sets: ReadonlyMap<string, readonly CompiledSet[]>,
): { definition: WorkflowDefinition; compiled: CompiledSchemas } | undefined {
  if (!draft.key || !draft.title || !draft.states || !draft.transitions) return undefined;
  const states: StateDefinition[] = [];
  for (const { name, title, initial, terminal, assignTo } of draft.states) {
    if (name === undefined) return undefined;
    states.push({
      name,
      ...(title === undefined ? {} : { title }),
      initial,
      terminal,
      ...(assignTo === undefined ? {} : { assignTo }),
    });
  }
  const transitions: TransitionDefinition[] = [];
  const inputs = new Map<string, ValidateFunction>();
  for (const draftTransition of draft.transitions) {
    const transition = buildTransition(draftTransition);
    if (transition === undefined) return undefined;
    transitions.push(transition);
    if (draftTransition.input) inputs.set(transition.name, draftTransition.input.validate);
  }
  const definition: WorkflowDefinition = deepFreeze({
    key: draft.key,
    title: draft.title,
    ...(draft.description === undefined ? {} : { description: draft.description }),
    visibility: draft.visibility ?? 'participants',
    ...(draft.dataSchema === undefined ? {} : { dataSchema: draft.dataSchema.schema }),
    ...(draft.readOnly.length === 0 ? {} : { readOnly: draft.readOnly.map((field) => field.target) }),
    states,
    transitions,
  });
  return { definition, compiled: { data: draft.dataSchema?.validate, inputs, conditions, sets } };
}

function buildTransition(draft: TransitionDraft): TransitionDefinition | undefined {
  const { name, title, from, to, role, actor, stepUp, notInitiator, notPreviousActorOf, quorum, input, timer, when } =
    draft;
  const set = Object.fromEntries(draft.set.map((entry) => [entry.target, entry.expression]));
  if (name === undefined || to === undefined) return undefined;
  return {
    name,
    ...(title === undefined ? {} : { title }),
    from: from.map((reference) => reference.name),
    to: to.name,
    ...(role === undefined ? {} : { role }),
    ...(actor === undefined ? {} : { actor }),
    stepUp,
    separationOfDuties: { notInitiator, notPreviousActorOf: notPreviousActorOf.map((reference) => reference.name) },
    quorum,
    ...(input === undefined ? {} : { input: input.schema }),
    ...(timer === undefined ? {} : { timer }),
    ...(when === undefined ? {} : { when }),
    ...(draft.set.length === 0 ? {} : { set }),
    ...(draft.auto ? { auto: true as const } : {}),
    ...(draft.writesReadOnly.length === 0 ? {} : { writesReadOnly: draft.writesReadOnly.map((field) => field.target) }),
  };
}

/** Frozen, so the compiled schemas cached for this object can never drift from what it says. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
