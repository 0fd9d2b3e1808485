export const ROLES = ['viewer', 'requester', 'approver', 'admin', 'auditor'] as const;

export type Role = (typeof ROLES)[number];

export interface RoleDescription {
  readonly role: Role;
  /** Every role this one implies, transitively, without the role itself. */
  readonly implies: readonly Role[];
  readonly description: string;
}

/**
 * The only place the hierarchy is written down: the roles each one implies directly. The chain
 * viewer < requester < approver < admin is linear; auditor sits beside it, implying viewer only,
 * so reading the audit trail is never a side effect of being an admin (separation of duties).
 */
const DIRECTLY_IMPLIES: Readonly<Record<Role, readonly Role[]>> = {
  viewer: [],
  requester: ['viewer'],
  approver: ['requester'],
  admin: ['approver'],
  auditor: ['viewer'],
};

const DESCRIPTIONS: Readonly<Record<Role, string>> = {
  viewer: 'Reads workflow definitions and the workflow instances visible to them.',
  requester: 'Starts workflow instances and acts on their own requests.',
  approver: 'Approves or rejects the workflow steps assigned to them.',
  admin: 'Manages workflow definitions, users and role grants; grants only roles they hold themselves.',
  auditor: 'Reads the audit trail. Separate from admin: admin does not imply it.',
};

function closureOf(role: Role): ReadonlySet<Role> {
  const reached = new Set<Role>([role]);
  const pending: Role[] = [role];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    for (const implied of DIRECTLY_IMPLIES[next]) {
      if (!reached.has(implied)) {
        reached.add(implied);
        pending.push(implied);
      }
    }
  }
  return reached;
}

// Computed once: the hierarchy is fixed at build time, and guards consult it on every request.
// A Map rather than an object, so a stray value such as 'toString' finds nothing.
const CLOSURES: ReadonlyMap<string, ReadonlySet<Role>> = new Map(ROLES.map((role) => [role, closureOf(role)]));
const NOTHING: ReadonlySet<Role> = new Set();

/** Orders roles as `ROLES` does, so every list this module returns is stable. */
function inRoleOrder(roles: ReadonlySet<Role>): Role[] {
  return ROLES.filter((role) => roles.has(role));
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The role and every role it implies, in `ROLES` order. */
export function impliedRoles(role: Role): Role[] {
  return inRoleOrder(CLOSURES.get(role) ?? NOTHING);
}

/**
 * The effective roles of someone holding `roles`: their union with everything they imply, in
 * `ROLES` order.
 */
export function expandRoles(roles: Iterable<Role>): Set<Role> {
  const effective = new Set<Role>();
  for (const role of roles) {
    // Stored grants can outlive a role that a later release removes; an unknown value grants
    // nothing rather than throwing in the middle of an authorization check.
    for (const implied of CLOSURES.get(role) ?? NOTHING) effective.add(implied);
  }
  return new Set(inRoleOrder(effective));
}

export function satisfies(actual: Iterable<Role>, required: Role): boolean {
  return expandRoles(actual).has(required);
}

/**
 * Only an admin grants roles, and only roles their own effective roles satisfy: an admin who is
 * not an auditor cannot make someone else (or a second account of their own) one.
 */
export function canGrant(granterRoles: Iterable<Role>, role: Role): boolean {
  const effective = expandRoles(granterRoles);
  return effective.has('admin') && effective.has(role);
}

/** What `GET /v1/roles` describes, in `ROLES` order. */
export const ROLE_HIERARCHY: readonly RoleDescription[] = Object.freeze(
  ROLES.map((role) =>
    Object.freeze({
      role,
      implies: Object.freeze(impliedRoles(role).filter((implied) => implied !== role)),
      description: DESCRIPTIONS[role],
    }),
  ),
);
