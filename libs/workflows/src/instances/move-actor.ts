import type { AuditActor } from '@flowgate/audit';
import { userActor } from '@flowgate/audit';
import type { Principal } from '@flowgate/auth';

/**
 * Who takes a transition: a person (through the API, under every authority rule) or the system (a
 * timer firing in the worker, under none of the rules about people: docs/workflows.md "Timers").
 * History records the system as no actor with the timer that fired; the audit log as actor type
 * `system`; events as `actorType: 'system'` with `actorId: null`.
 */
export type MoveActor =
  | { readonly type: 'user'; readonly principal: Principal }
  | { readonly type: 'system'; readonly timer: { readonly id: string; readonly dueAt: Date } };

export function actorIdOf(actor: MoveActor): string | null {
  return actor.type === 'user' ? actor.principal.userId : null;
}

export function auditActorOf(actor: MoveActor): AuditActor {
  return actor.type === 'user' ? userActor(actor.principal) : { type: 'system' };
}

/** What events and audit records say about a timer that fired; nothing for a person. */
export function timerFacts(actor: MoveActor): Record<string, unknown> {
  return actor.type === 'system' ? { timer: { id: actor.timer.id, dueAt: actor.timer.dueAt.toISOString() } } : {};
}
