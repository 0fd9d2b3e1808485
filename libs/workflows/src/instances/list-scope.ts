import { expandRoles, type Role } from '@flowgate/roles';
import { authorityRules, openPlaces, queuePlaces, type DefinitionVersion } from '../authority/authority-rules';
import { seesEverything } from '../authority/instance-authority';
import type { ListScope } from './instance-list-query';

/**
 * Which instances a person's list may hold, from every published version: all of them for admins
 * and auditors, else those they may see — or, for "waiting for me", those where a transition is
 * offered to them or that are queued to a role they hold and may claim (`waitsFor`). Pure: the
 * service and the specs that check the SQL against the engine build scopes the same way.
 */
export function listScope(
  versions: readonly DefinitionVersion[],
  person: { readonly userId: string; readonly roles: readonly Role[] },
  waitingForMe: boolean,
): ListScope {
  if (!waitingForMe && seesEverything(person)) return { kind: 'everything' };
  const base = {
    userId: person.userId,
    rules: authorityRules(versions, person.roles),
    heldRoles: [...expandRoles(person.roles)],
  };
  if (waitingForMe) return { kind: 'waiting', ...base, queuePlaces: queuePlaces(versions, person.roles) };
  return { kind: 'visible', ...base, openPlaces: openPlaces(versions) };
}
