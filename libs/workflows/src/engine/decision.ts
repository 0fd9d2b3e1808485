import type { Role } from '@flowgate/roles';
import type { WorkflowDefinition } from '../definition/workflow-definition';

/** One problem with a payload, shaped like the API's `errors` entries. */
export interface PayloadError {
  /** JSON Pointer from the payload's place in the request, e.g. `/input/amount`. */
  readonly pointer: string;
  readonly detail: string;
  /** The JSON Schema keyword that failed (`required`, `type`, `minimum`, ...), or `unexpected_payload`. */
  readonly code: string;
}

export interface InstanceSnapshot {
  readonly state: string;
  readonly initiatorId: string;
  /** The people assigned to the instance in its current state. */
  readonly assigneeIds: readonly string[];
  /** The role the current state's work is queued to (`assignTo: {"role": …}`); absent or null: none. */
  readonly assignedRole?: Role | null;
  /** What conditions read as `data` (absent: null). */
  readonly data?: unknown;
  /** What conditions read as `instance.createdAt` and `instance.enteredAt` (the current state's entry). */
  readonly createdAt?: Date;
  readonly enteredAt?: Date;
}

export interface EnginePrincipal {
  readonly userId: string;
  /** Effective or held roles; the hierarchy is applied either way. */
  readonly roles: readonly Role[];
  readonly stepUpSatisfied: boolean;
}

/** Everything the engine needs to judge who may take which transition; it reads nothing else. */
export interface AvailabilityRequest {
  /** A definition that passed `validateDefinition`. */
  readonly definition: WorkflowDefinition;
  readonly instance: InstanceSnapshot;
  /**
   * From the instance's history: by transition name, the ids of everyone who took it or voted for
   * it, in any visit. Separation of duties reads it.
   */
  readonly actorsByTransition: Readonly<Record<string, readonly string[]>>;
  /** By quorum transition name, the ids of who voted for it during the current visit to the state. */
  readonly votes: Readonly<Record<string, readonly string[]>>;
  readonly principal: EnginePrincipal;
}

export interface DecisionRequest extends AvailabilityRequest {
  readonly transitionName: string;
  readonly input: unknown;
}

export interface Moved {
  readonly allowed: true;
  readonly outcome: 'moved';
  readonly from: string;
  readonly to: string;
}

/** A quorum transition short of its quorum: record the vote, leave the state as it is. */
export interface Voted {
  readonly allowed: true;
  readonly outcome: 'voted';
  /** Distinct voters, this one included. */
  readonly votes: number;
  readonly required: number;
}

/**
 * Stable reason codes, in the order the engine checks them. Step-up comes after every rule about
 * the person and the condition: a challenge is issued only when a stronger sign-in would actually
 * let them through. A condition that reads `input` is judged after the input is validated.
 */
export const DENIAL_REASONS = [
  'unknown_transition',
  'terminal_state',
  'not_from_current_state',
  'insufficient_role',
  'initiator_only',
  'assignee_only',
  'separation_of_duties',
  'condition_not_met',
  'already_voted',
  'step_up_required',
  'invalid_input',
] as const;

export type DenialReason = (typeof DENIAL_REASONS)[number];

interface DenialOf<R extends DenialReason> {
  readonly allowed: false;
  readonly reason: R;
  readonly detail: string;
}

export type Denial =
  | DenialOf<'unknown_transition'>
  | (DenialOf<'terminal_state'> & { readonly state: string })
  | (DenialOf<'not_from_current_state'> & {
      readonly state: string;
      /** The transitions that do leave the current state (whoever may take them). */
      readonly possibleTransitions: readonly string[];
    })
  | (DenialOf<'insufficient_role'> & { readonly requiredRole: Role })
  | DenialOf<'initiator_only'>
  | DenialOf<'assignee_only'>
  | DenialOf<'step_up_required'>
  | (DenialOf<'separation_of_duties'> & { readonly rule: 'notInitiator' })
  | (DenialOf<'separation_of_duties'> & { readonly rule: 'notPreviousActorOf'; readonly previousTransition: string })
  | (DenialOf<'condition_not_met'> & { readonly transition: string; readonly condition: string })
  | (DenialOf<'already_voted'> & { readonly votes: number; readonly required: number })
  | (DenialOf<'invalid_input'> & { readonly errors: readonly PayloadError[] });

export type Decision = Moved | Voted | Denial;

/** The denials that depend only on the instance's place, never on who asks. */
export type PlaceDenial = Extract<
  Denial,
  { readonly reason: 'unknown_transition' | 'terminal_state' | 'not_from_current_state' }
>;

/** A verdict reached without looking at input: `availableTransitions` never validates any. */
export type DecisionBeforeInput = Exclude<Decision, { readonly reason: 'invalid_input' }>;
