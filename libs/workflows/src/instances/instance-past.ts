import type { HistoryKind, InstancePast } from './workflow-instance';

/** The history columns the past is computed from, oldest line first. */
export interface PastLine {
  readonly seq: number;
  readonly kind: HistoryKind;
  readonly transition: string | null;
  readonly actorId: string | null;
  readonly occurredAt: Date;
}

/** Who did what so far: what separation of duties and quorums are judged on. */
export function pastOf(lines: readonly PastLine[]): InstancePast {
  // Keyed by transition names, which may be `constructor` or `toString`: no prototype to collide with.
  const byName = (): Record<string, string[]> => Object.create(null) as Record<string, string[]>;
  const actorsByTransition = byName();
  let votes = byName();
  let enteredAt: Date | undefined;
  for (const line of lines) {
    // Entering a state (start or move) opens a new visit: earlier votes no longer count.
    if (line.kind === 'started' || line.kind === 'moved') {
      votes = byName();
      enteredAt = line.occurredAt;
    }
    // The system (a timer) is nobody: it neither votes nor bars anyone by separation of duties.
    if (line.transition === null || line.actorId === null) continue;
    (actorsByTransition[line.transition] ??= []).push(line.actorId);
    if (line.kind === 'voted') (votes[line.transition] ??= []).push(line.actorId);
  }
  const lastSeq = lines.length > 0 ? Number(lines[lines.length - 1].seq) : 0;
  return { lastSeq, enteredAt, actorsByTransition, votes };
}

/**
 * The past as `json_agg` of `[seq, kind, transition, actor_id, occurred_at]` gives it, when it is
 * read in the same statement as the instance (JSON has no dates: the time comes as ISO 8601 text).
 */
export function pastOfJson(
  lines: readonly [number, HistoryKind, string | null, string | null, string][],
): InstancePast {
  return pastOf(
    lines.map(([seq, kind, transition, actorId, occurredAt]) => ({
      seq,
      kind,
      transition,
      actorId,
      occurredAt: new Date(occurredAt),
    })),
  );
}
