/** A workflow instance as stored. */
export interface WorkflowInstance {
  readonly id: string;
  readonly definitionKey: string;
  readonly definitionVersion: number;
  readonly state: string;
  readonly terminal: boolean;
  readonly data: unknown;
  readonly initiatorId: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type HistoryKind = 'started' | 'moved' | 'voted';

/** One line of an instance's history: its start, a move, or a quorum vote. */
export interface HistoryEntry {
  readonly seq: number;
  readonly kind: HistoryKind;
  readonly transition: string | null;
  readonly fromState: string | null;
  readonly toState: string;
  readonly actorId: string;
  readonly input: unknown;
  readonly comment: string | null;
  readonly occurredAt: Date;
}

/** What the engine needs to know of the past, computed from the history. */
export interface InstancePast {
  readonly lastSeq: number;
  /** Everyone who took or voted for each transition, for separation of duties. */
  readonly actorsByTransition: Record<string, string[]>;
  /** Votes cast for each quorum transition since the instance entered its current state. */
  readonly votes: Record<string, string[]>;
}
