import type { AuditActor } from '@flowgate/audit';
import { userActor } from '@flowgate/audit';
import type { Principal } from '@flowgate/auth';

/**
 * Who takes a transition: a person (through the API, under every authority rule) or the system (a
 * timer firing in the worker, or an automatic transition on entering a state: under none of the
 * rules about people, docs/workflows.md "Timers" and "Automatic transitions"). History records the
 * system as no actor (with the timer that fired, if one did); the audit log as actor type
 * `system`; events as `actorType: 'system'` with `actorId: null`.
 */
export type MoveActor =
  | { readonly type: 'user'; readonly principal: Principal }
  | { readonly type: 'system'; readonly timer?: { readonly id: string; readonly dueAt: Date } };

export function actorIdOf(actor: MoveActor): string | null {
  return actor.type === 'user' ? actor.principal.userId : null;
}

export function auditActorOf(actor: MoveActor): AuditActor {
  return actor.type === 'user' ? userActor(actor.principal) : { type: 'system' };
}

/** What events and audit records say about the system's move (a timer, or automatic); nothing for a person. */
export function timerFacts(actor: MoveActor): Record<string, unknown> {
  if (actor.type !== 'system') return {};
  return actor.timer === undefined
    ? { automatic: true }
    : { timer: { id: actor.timer.id, dueAt: actor.timer.dueAt.toISOString() } };
}
