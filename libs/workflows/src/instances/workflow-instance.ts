import type { Role } from '@flowgate/roles';
import type { DataChange } from '../engine/change-data';

/** A workflow instance as stored. */
export interface WorkflowInstance {
  readonly id: string;
  readonly definitionKey: string;
  readonly definitionVersion: number;
  readonly state: string;
  readonly terminal: boolean;
  readonly data: unknown;
  readonly initiatorId: string;
  /** Assigned in the current state, in the order they were assigned. */
  readonly assigneeIds: readonly string[];
  /** The role the current state's work is queued to (`assignTo: {"role": …}`), for this visit; null when none. */
  readonly assignedRole: Role | null;
  /** The history line that entered the current state: votes after it are this visit's. */
  readonly stateEnteredSeq: number;
  /** The timers armed by this visit to the state that have not fired, soonest first. */
  readonly pendingTimers: readonly PendingTimer[];
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A timer armed on entering the current state, waiting for its due time. */
export interface PendingTimer {
  readonly transition: string;
  readonly dueAt: Date;
}

/** An instance as one viewer reads it: with whether they have taken part in it. */
export interface ViewedInstance {
  readonly instance: WorkflowInstance;
  readonly viewerParticipates: boolean;
}

/** `not_assigned`: a state's `assignTo` named nobody who exists on entry; the entry stays unassigned. */
export const HISTORY_KINDS = [
  'started',
  'moved',
  'voted',
  'assigned',
  'unassigned',
  'delegated',
  'not_assigned',
] as const;

export type HistoryKind = (typeof HISTORY_KINDS)[number];

/** One line of an instance's history: its start, a move, a quorum vote or an assignment change. */
export interface HistoryEntry {
  readonly seq: number;
  readonly kind: HistoryKind;
  readonly transition: string | null;
  readonly fromState: string | null;
  readonly toState: string;
  /** The person who acted; null for the system (a timer that fired). */
  readonly actorId: string | null;
  /** The timer that fired, for the system's moves; null otherwise. */
  readonly timerId: string | null;
  /** Assignment lines: who was assigned, unassigned, or delegated to. */
  readonly assigneeId: string | null;
  /** The `assigned` line of a role queue on entry: the role; null otherwise. */
  readonly assignedRole: Role | null;
  readonly input: unknown;
  readonly comment: string | null;
  /** Moves whose transition has a `set`: the fields of `data` it changed; empty otherwise. */
  readonly changes: readonly DataChange[];
  readonly occurredAt: Date;
}

/** What the engine needs to know of the past, computed from the history. */
export interface InstancePast {
  readonly lastSeq: number;
  /** When the instance entered its current state (conditions read it as `instance.enteredAt`). */
  readonly enteredAt?: Date;
  /** Everyone who took or voted for each transition, for separation of duties. */
  readonly actorsByTransition: Record<string, string[]>;
  /** Votes cast for each quorum transition since the instance entered its current state. */
  readonly votes: Record<string, string[]>;
}
