// The role hierarchy module is pure; the package index would also load the Nest guards and module,
// which the pure workflow core must not depend on.
import type { Role } from '@flowgate/roles';

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A JSON Schema (draft 2020-12) written as an object; `{}` accepts any value. */
export type JsonSchema = { readonly [keyword: string]: JsonValue };

/**
 * Who a state is assigned to on entry: the person who started the instance, the user whose id
 * a field of `data` holds (a JSON Pointer the data schema declares as a string), or a role's
 * queue (anyone holding the role may claim it; nobody else may be assigned while it lasts).
 */
export type AssignTo = { readonly initiator: true } | { readonly data: string } | { readonly role: Role };

export interface StateDefinition {
  readonly name: string;
  readonly title?: string;
  readonly initial: boolean;
  readonly terminal: boolean;
  readonly assignTo?: AssignTo;
}

export interface SeparationOfDuties {
  /** The user who started the instance may not take the transition. */
  readonly notInitiator: boolean;
  /** Whoever took (or voted for) one of these transitions on the instance may not take this one. */
  readonly notPreviousActorOf: readonly string[];
}

/**
 * Who may take a transition beyond its role: only the person who started the instance, or only a
 * person currently assigned to it. Absent: anyone holding the role.
 */
export const TRANSITION_ACTORS = ['initiator', 'assignee'] as const;

export type TransitionActor = (typeof TRANSITION_ACTORS)[number];

/**
 * Who may see an instance: its participants and whoever could act on it now (with admins and
 * auditors), or every authenticated user, for open processes.
 */
export const VISIBILITIES = ['participants', 'authenticated'] as const;

export type Visibility = (typeof VISIBILITIES)[number];

export interface TransitionDefinition {
  readonly name: string;
  readonly title?: string;
  /** Always a list once validated, even when the document gave one state name. */
  readonly from: readonly string[];
  readonly to: string;
  /** The minimum role (hierarchy-aware); absent means any authenticated user. */
  readonly role?: Role;
  /** Absent: anyone holding the role. */
  readonly actor?: TransitionActor;
  readonly stepUp: boolean;
  readonly separationOfDuties: SeparationOfDuties;
  /** How many distinct people must take the transition before it fires; 1 fires at once. */
  readonly quorum: number;
  /** Schema of the transition's input; absent means the transition takes no input. */
  readonly input?: JsonSchema;
  /** ISO 8601 duration after which the transition fires by itself. */
  readonly timer?: string;
  /** A CEL condition over `data`, `input`, `actor` and `instance` that must hold to take it. */
  readonly when?: string;
  /** By JSON Pointer into `data`, the CEL expression whose value the field takes when it fires. */
  readonly set?: Readonly<Record<string, string>>;
  /** The read-only fields (`readOnly`) its `set` may change nonetheless: said on purpose, never implied. */
  readonly writesReadOnly?: readonly string[];
  /** Fires by itself, as the system, on entering its from-state when its `when` holds (absent: false). */
  readonly auto?: true;
}

/** A definition that passed `validateDefinition`: normalized, defaults filled, deeply frozen. */
export interface WorkflowDefinition {
  readonly key: string;
  readonly title: string;
  readonly description?: string;
  /** Always present once validated; versions published before the field existed read as `participants`. */
  readonly visibility: Visibility;
  /** Schema of the instance's `data` at start; absent means an instance starts without data. */
  readonly dataSchema?: JsonSchema;
  /** JSON Pointers into `data` that no transition changes after start unless it says so. */
  readonly readOnly?: readonly string[];
  readonly states: readonly StateDefinition[];
  readonly transitions: readonly TransitionDefinition[];
}

/**
 * What an admin publishes, before validation: `from` may be one name, flags and rules may be left
 * out. Typing a document with it catches slips at compile time; `validateDefinition` still checks
 * everything, since documents usually arrive as JSON.
 */
export interface WorkflowDefinitionDocument {
  readonly key: string;
  readonly title: string;
  readonly description?: string;
  readonly visibility?: Visibility;
  readonly dataSchema?: JsonSchema;
  readonly readOnly?: readonly string[];
  readonly states: readonly {
    readonly name: string;
    readonly title?: string;
    readonly initial?: boolean;
    readonly terminal?: boolean;
    readonly assignTo?: AssignTo;
  }[];
  readonly transitions: readonly {
    readonly name: string;
    readonly title?: string;
    readonly from: string | readonly string[];
    readonly to: string;
    readonly role?: Role;
    readonly actor?: TransitionActor;
    readonly stepUp?: boolean;
    readonly separationOfDuties?: { readonly notInitiator?: boolean; readonly notPreviousActorOf?: readonly string[] };
    readonly quorum?: number;
    readonly input?: JsonSchema;
    readonly timer?: string;
    readonly when?: string;
    readonly set?: Readonly<Record<string, string>>;
    readonly writesReadOnly?: readonly string[];
    readonly auto?: boolean;
  }[];
}

/** Limits of the definition language; `docs/workflows.md` documents them. */
export const DEFINITION_LIMITS = {
  maxStates: 100,
  maxTransitions: 200,
  maxFromStates: 100,
  maxNotPreviousActorOf: 200,
  maxTitleLength: 200,
  maxDescriptionLength: 2000,
  minQuorum: 1,
  maxQuorum: 20,
  /** Objects and arrays nested inside one schema; bounds the recursion of the schema compiler. */
  maxSchemaDepth: 64,
  /** Fields one transition's `set` assigns, and pointers listed in `readOnly` or `writesReadOnly`. */
  maxFieldsPerList: 100,
  /**
   * Automatic transitions one unit of work follows: the validator proves they cannot loop, so this
   * only guards against a definition that escaped it.
   */
  maxAutomaticHops: 100,
} as const;

export const TITLE_BOUNDS = { min: 1, max: DEFINITION_LIMITS.maxTitleLength } as const;

/** An empty description is allowed: forms send one for a field left blank. */
export const DESCRIPTION_BOUNDS = { min: 0, max: DEFINITION_LIMITS.maxDescriptionLength } as const;

/** Definition keys appear in URLs. */
export const DEFINITION_KEY_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;

/** State and transition names are snake_case, so they are safe as Mermaid ids and in URLs. */
export const NAME_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
