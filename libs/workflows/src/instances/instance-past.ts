import type { HistoryKind, InstancePast } from './workflow-instance';

/** The history columns the past is computed from, oldest line first. */
export interface PastLine {
  readonly seq: number;
  readonly kind: HistoryKind;
  readonly transition: string | null;
  readonly actorId: string | null;
  readonly occurredAt: Date;
}

/** Who took a transition before the current visit: one pair per transition and person. */
export type EarlierActor = readonly [transition: string, actorId: string];

/**
 * Who did what so far: what separation of duties and quorums are judged on. `lines` is the whole
 * history, or only the current visit's lines (its entering line first) with `earlier` naming who
 * took which transition before it: votes, the entry time and the last line all lie in the visit.
 */
export function pastOf(lines: readonly PastLine[], earlier: readonly EarlierActor[] = []): InstancePast {
  // Keyed by transition names, which may be `constructor` or `toString`: no prototype to collide with.
  const byName = (): Record<string, string[]> => Object.create(null) as Record<string, string[]>;
  const actorsByTransition = byName();
  for (const [transition, actorId] of earlier) (actorsByTransition[transition] ??= []).push(actorId);
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
 * The past as `PAST_COLUMNS` read it, in the same statement as the instance: the visit's lines as
 * `json_agg` of `[seq, kind, transition, actor_id, occurred_at]` (JSON has no dates: the time
 * comes as ISO 8601 text) and the earlier `[transition, actor_id]` pairs.
 */
export function pastOfJson(
  visit: readonly [number, HistoryKind, string | null, string | null, string][],
  earlier: readonly EarlierActor[],
): InstancePast {
  return pastOf(
    visit.map(([seq, kind, transition, actorId, occurredAt]) => ({
      seq,
      kind,
      transition,
      actorId,
      occurredAt: new Date(occurredAt),
    })),
    earlier,
  );
}

/**
 * The past of instance `i`, as two columns of a statement that reads it (`visit`, `earlier`). Only
 * the current visit's lines come whole (from its entering line, `state_entered_seq`); of the lines
 * before it only the distinct (transition, person) pairs separation of duties is judged on. A
 * transition used to read every line the instance ever had, so that on an instance with a long
 * history (a loop taken hundreds of times) each step cost more than the one before
 * (docs/performance.md, "The past of a long-lived instance"). PostgreSQL still walks the earlier
 * lines for the pairs, on the history's primary key, but no longer sends them.
 */
export const PAST_COLUMNS = `
    (SELECT coalesce(json_agg(json_build_array(h.seq, h.kind, h.transition, h.actor_id, h.occurred_at) ORDER BY h.seq),
       '[]'::json)
     FROM workflow_history h WHERE h.instance_id = i.id AND h.seq >= i.state_entered_seq) AS visit,
    (SELECT coalesce(json_agg(json_build_array(e.transition, e.actor_id)), '[]'::json)
     FROM (SELECT DISTINCT h.transition, h.actor_id FROM workflow_history h
           WHERE h.instance_id = i.id AND h.seq < i.state_entered_seq
             AND h.transition IS NOT NULL AND h.actor_id IS NOT NULL) e) AS earlier`;
