import fc from 'fast-check';
import { canGrant, expandRoles, impliedRoles, isRole, Role, ROLE_HIERARCHY, ROLES, satisfies } from './role-hierarchy';

const aRole = fc.constantFrom(...ROLES);

describe('isRole', () => {
  it.each<[unknown, boolean]>([
    ['viewer', true],
    ['requester', true],
    ['approver', true],
    ['admin', true],
    ['auditor', true],
    ['Admin', false],
    [' admin', false],
    ['owner', false],
    ['', false],
    ['toString', false],
    [undefined, false],
    [null, false],
    [1, false],
    [['admin'], false],
    [{ role: 'admin' }, false],
  ])('isRole(%j) is %s', (value, expected) => {
    expect(isRole(value)).toBe(expected);
  });
});

describe('impliedRoles', () => {
  it.each<[Role, Role[]]>([
    ['viewer', ['viewer']],
    ['requester', ['viewer', 'requester']],
    ['approver', ['viewer', 'requester', 'approver']],
    ['admin', ['viewer', 'requester', 'approver', 'admin']],
    ['auditor', ['viewer', 'auditor']],
  ])('%s implies %j', (role, expected) => {
    expect(impliedRoles(role)).toEqual(expected);
  });

  it('returns a fresh array each time, so callers cannot change the hierarchy', () => {
    impliedRoles('admin').push('auditor');
    expect(impliedRoles('admin')).not.toContain('auditor');
  });
});

describe('satisfies', () => {
  // Every (held role, required role) pair, written out rather than derived from the hierarchy.
  it.each<[Role, Role, boolean]>([
    ['viewer', 'viewer', true],
    ['viewer', 'requester', false],
    ['viewer', 'approver', false],
    ['viewer', 'admin', false],
    ['viewer', 'auditor', false],
    ['requester', 'viewer', true],
    ['requester', 'requester', true],
    ['requester', 'approver', false],
    ['requester', 'admin', false],
    ['requester', 'auditor', false],
    ['approver', 'viewer', true],
    ['approver', 'requester', true],
    ['approver', 'approver', true],
    ['approver', 'admin', false],
    ['approver', 'auditor', false],
    ['admin', 'viewer', true],
    ['admin', 'requester', true],
    ['admin', 'approver', true],
    ['admin', 'admin', true],
    ['admin', 'auditor', false],
    ['auditor', 'viewer', true],
    ['auditor', 'requester', false],
    ['auditor', 'approver', false],
    ['auditor', 'admin', false],
    ['auditor', 'auditor', true],
  ])('holding %s satisfies %s: %s', (held, required, expected) => {
    expect(satisfies([held], required)).toBe(expected);
  });

  it.each<[string, Iterable<Role>, Role, boolean]>([
    ['nothing satisfies viewer', [], 'viewer', false],
    ['an empty Set satisfies nothing', new Set<Role>(), 'viewer', false],
    ['admin + auditor satisfies auditor', ['admin', 'auditor'], 'auditor', true],
    ['admin + auditor satisfies admin', ['admin', 'auditor'], 'admin', true],
    ['requester + auditor satisfies requester', ['requester', 'auditor'], 'requester', true],
    ['requester + auditor does not satisfy approver', ['requester', 'auditor'], 'approver', false],
    ['duplicates count once', ['viewer', 'viewer', 'viewer'], 'requester', false],
    ['a Set works as well as an array', new Set<Role>(['approver']), 'requester', true],
    ['a generator works too', (function* (): Generator<Role> { yield 'auditor'; })(), 'viewer', true], // prettier-ignore
  ])('%s', (_name, actual, required, expected) => {
    expect(satisfies(actual, required)).toBe(expected);
  });

  it('ignores values that are not roles (stale grants) instead of throwing', () => {
    const stale = ['superuser', 'toString', 'requester'] as unknown as Role[];
    expect(satisfies(stale, 'requester')).toBe(true);
    expect(satisfies(stale, 'approver')).toBe(false);
  });

  it('is decided by the union: a set satisfies a role exactly when one of its members does', () => {
    fc.assert(
      fc.property(fc.array(aRole, { maxLength: 8 }), aRole, (held, required) => {
        expect(satisfies(held, required)).toBe(held.some((role) => satisfies([role], required)));
      }),
    );
  });
});

describe('expandRoles', () => {
  it.each<[string, Role[], Role[]]>([
    ['nothing', [], []],
    ['viewer', ['viewer'], ['viewer']],
    ['admin', ['admin'], ['viewer', 'requester', 'approver', 'admin']],
    ['auditor', ['auditor'], ['viewer', 'auditor']],
    ['admin and auditor', ['auditor', 'admin'], ['viewer', 'requester', 'approver', 'admin', 'auditor']],
    ['requester and auditor', ['requester', 'auditor'], ['viewer', 'requester', 'auditor']],
    ['duplicates', ['approver', 'approver', 'requester'], ['viewer', 'requester', 'approver']],
  ])('%s expands, in ROLES order, to %j', (_name, held, expected) => {
    expect([...expandRoles(held)]).toEqual(expected);
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.array(aRole, { maxLength: 8 }), (held) => {
        const once = expandRoles(held);
        expect(expandRoles(once)).toEqual(once);
      }),
    );
  });
});

describe('canGrant', () => {
  it.each<[string, Role[], Role, boolean]>([
    ['an admin grants viewer', ['admin'], 'viewer', true],
    ['an admin grants requester', ['admin'], 'requester', true],
    ['an admin grants approver', ['admin'], 'approver', true],
    ['an admin grants admin', ['admin'], 'admin', true],
    ['an admin without auditor cannot grant auditor', ['admin'], 'auditor', false],
    ['an admin who is also an auditor grants auditor', ['admin', 'auditor'], 'auditor', true],
    ['an approver grants nothing, not even viewer', ['approver'], 'viewer', false],
    ['a requester cannot grant requester', ['requester'], 'requester', false],
    ['a viewer cannot grant viewer', ['viewer'], 'viewer', false],
    ['an auditor cannot grant auditor', ['auditor'], 'auditor', false],
    ['an auditor cannot grant viewer', ['auditor'], 'viewer', false],
    ['an approver and auditor cannot grant viewer', ['approver', 'auditor'], 'viewer', false],
    ['no roles grant nothing', [], 'viewer', false],
  ])('%s', (_name, granter, role, expected) => {
    expect(canGrant(granter, role)).toBe(expected);
  });

  it('never lets anyone grant a role they do not satisfy themselves', () => {
    fc.assert(
      fc.property(fc.array(aRole, { maxLength: 8 }), aRole, (granter, role) => {
        if (canGrant(granter, role)) expect(satisfies(granter, role)).toBe(true);
      }),
    );
  });
});

describe('ROLE_HIERARCHY', () => {
  it('describes every role, in ROLES order, with what it implies besides itself', () => {
    expect(ROLE_HIERARCHY.map(({ role, implies }) => ({ role, implies }))).toEqual([
      { role: 'viewer', implies: [] },
      { role: 'requester', implies: ['viewer'] },
      { role: 'approver', implies: ['viewer', 'requester'] },
      { role: 'admin', implies: ['viewer', 'requester', 'approver'] },
      { role: 'auditor', implies: ['viewer'] },
    ]);
  });

  it.each(ROLE_HIERARCHY.map((entry) => [entry.role, entry.description]))('%s has a description', (_role, text) => {
    expect(text.length).toBeGreaterThan(10);
  });

  it('cannot be changed by a caller', () => {
    expect(Object.isFrozen(ROLE_HIERARCHY)).toBe(true);
    expect(ROLE_HIERARCHY.every((entry) => Object.isFrozen(entry) && Object.isFrozen(entry.implies))).toBe(true);
  });
});
