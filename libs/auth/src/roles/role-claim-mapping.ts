import { isRole, Role, ROLES } from '@flowgate/roles';

export interface ParsedRoleMapping {
  /** Claim value (app role value or group object id) to role. */
  readonly mapping: ReadonlyMap<string, Role>;
  /** One line per bad entry; configuration loading should refuse to start when any exist. */
  readonly problems: string[];
}

export interface ClaimedRole {
  readonly role: Role;
  /** Where the role came from, e.g. `token:roles:Flowgate.Admin` or `token:groups:<object id>`. */
  readonly source: string;
}

/** The claims roles come from. The index signature lets a whole verified payload be passed as is. */
export interface RoleClaims {
  readonly [claim: string]: unknown;
  readonly roles?: unknown;
  readonly groups?: unknown;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Group object ids are GUIDs, which Entra writes in lower case but the portal lets people copy in
 * any case; app role values are case-sensitive and left as they are.
 */
function normalizeKey(value: string): string {
  return GUID.test(value) ? value.toLowerCase() : value;
}

/** Parses `"Flowgate.Admin=admin, Flowgate.Approver=approver, <group object id>=requester"`. */
export function parseRoleMapping(raw: string): ParsedRoleMapping {
  const mapping = new Map<string, Role>();
  const problems: string[] = [];
  for (const entry of raw.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const equals = entry.indexOf('=');
    if (equals < 0) {
      problems.push(`"${entry}" has no "=": write <claim value>=<role>`);
      continue;
    }
    const key = normalizeKey(entry.slice(0, equals).trim());
    const role = entry.slice(equals + 1).trim();
    if (key === '') {
      problems.push(`"${entry}" has no claim value before "="`);
    } else if (!isRole(role)) {
      problems.push(`"${entry}" names an unknown role "${role}"; roles are ${ROLES.join(', ')}`);
    } else if (mapping.has(key) && mapping.get(key) !== role) {
      problems.push(`"${entry}" maps "${key}" again, already mapped to "${mapping.get(key)}"`);
    } else {
      mapping.set(key, role);
    }
  }
  return { mapping, problems };
}

/**
 * The roles a token's claims carry, one entry per role in `ROLES` order, each with the first claim
 * value that produced it (app roles before groups, then token order).
 *
 * A value of the `roles` claim that is itself a role name maps to that role unless the mapping says
 * otherwise, so a development issuer can mint `roles: ['approver']`. Only app roles get this: they
 * are defined by this application's own registration, whereas a group can surface under a name
 * (on-premises sAMAccountName) that nobody chose with Flowgate in mind.
 */
export function rolesFromClaims(claims: RoleClaims, mapping: ReadonlyMap<string, Role>): ClaimedRole[] {
  const found = new Map<Role, string>();
  const collect = (claim: 'roles' | 'groups', values: unknown): void => {
    if (!Array.isArray(values)) return;
    for (const value of values as unknown[]) {
      if (typeof value !== 'string') continue;
      const role = mapping.get(normalizeKey(value)) ?? (claim === 'roles' && isRole(value) ? value : undefined);
      if (role !== undefined && !found.has(role)) found.set(role, `token:${claim}:${value}`);
    }
  };
  collect('roles', claims.roles);
  collect('groups', claims.groups);
  return ROLES.flatMap((role) => {
    const source = found.get(role);
    return source === undefined ? [] : [{ role, source }];
  });
}
