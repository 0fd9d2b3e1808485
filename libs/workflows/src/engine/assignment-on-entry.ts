import type { Role } from '@flowgate/roles';
import { pointerTokens } from '../definition/json-pointer';
import type { WorkflowDefinition } from '../definition/workflow-definition';

/**
 * Who to assign on entering a state: a person, a role's queue, or nobody and why (said in words
 * about the definition, not the data).
 */
export type EntryAssignment = { readonly userId: string } | { readonly role: Role } | { readonly nobody: string };

const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The state's `assignTo` resolved against the instance as it enters the state (its data after
 * the transition's `set`): undefined when the state assigns nobody; a role queue is the role. A
 * field that holds no user id is `nobody`; whether the id names an existing user is the caller's
 * to check.
 */
export function assignmentOnEntry(
  definition: WorkflowDefinition,
  state: string,
  instance: { readonly initiatorId: string; readonly data: unknown },
): EntryAssignment | undefined {
  const assignTo = definition.states.find((candidate) => candidate.name === state)?.assignTo;
  if (assignTo === undefined) return undefined;
  if ('initiator' in assignTo) return { userId: instance.initiatorId };
  if ('role' in assignTo) return { role: assignTo.role };
  let value: unknown = instance.data;
  for (const token of pointerTokens(assignTo.data) ?? []) {
    const holder = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
    value =
      holder !== undefined && Object.hasOwn(holder, token) ? (holder as Record<string, unknown>)[token] : undefined;
  }
  if (typeof value === 'string' && USER_ID.test(value)) return { userId: value.toLowerCase() };
  return { nobody: `data ${assignTo.data} holds no user id` };
}
