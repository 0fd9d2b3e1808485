import { ClaimedRole, parseRoleMapping, rolesFromClaims } from './role-claim-mapping';
import { Role } from '@flowgate/roles';

const GROUP = '0b8e4f2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b';
const OTHER_GROUP = 'f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9';

describe('parseRoleMapping', () => {
  it.each<[string, string, [string, Role][]]>([
    ['nothing', '', []],
    ['only blanks and commas', ' , ,, ', []],
    ['one app role', 'Flowgate.Admin=admin', [['Flowgate.Admin', 'admin']]],
    [
      'app roles and a group, with spaces around everything',
      ` Flowgate.Admin = admin ,Flowgate.Approver=approver,  ${GROUP}=requester `,
      [
        ['Flowgate.Admin', 'admin'],
        ['Flowgate.Approver', 'approver'],
        [GROUP, 'requester'],
      ],
    ],
    ['a trailing comma', 'Flowgate.Viewer=viewer,', [['Flowgate.Viewer', 'viewer']]],
    ['a GUID in upper case, stored in lower case', `${GROUP.toUpperCase()}=auditor`, [[GROUP, 'auditor']]],
    ['an app role value keeps its case', 'flowgate.admin=admin', [['flowgate.admin', 'admin']]],
    ['the same entry twice', 'A=admin, A=admin', [['A', 'admin']]],
    ['a role name overridden', 'admin=viewer', [['admin', 'viewer']]],
  ])('parses %s', (_name, raw, expected) => {
    const { mapping, problems } = parseRoleMapping(raw);
    expect(problems).toEqual([]);
    expect([...mapping]).toEqual(expected);
  });

  it.each<[string, string, string[], [string, Role][]]>([
    [
      'an unknown role',
      'Flowgate.Owner=owner, Flowgate.Admin=admin',
      ['"Flowgate.Owner=owner" names an unknown role "owner"; roles are viewer, requester, approver, admin, auditor'],
      [['Flowgate.Admin', 'admin']],
    ],
    [
      'a role in the wrong case',
      'Flowgate.Admin=Admin',
      ['"Flowgate.Admin=Admin" names an unknown role "Admin"; roles are viewer, requester, approver, admin, auditor'],
      [],
    ],
    [
      'an empty role',
      'Flowgate.Admin=',
      ['"Flowgate.Admin=" names an unknown role ""; roles are viewer, requester, approver, admin, auditor'],
      [],
    ],
    [
      'a second "=" in the role',
      'A=b=admin',
      ['"A=b=admin" names an unknown role "b=admin"; roles are viewer, requester, approver, admin, auditor'],
      [],
    ],
    ['a missing "="', 'Flowgate.Admin', ['"Flowgate.Admin" has no "=": write <claim value>=<role>'], []],
    ['a missing claim value', ' = admin', ['"= admin" has no claim value before "="'], []],
    [
      'a key mapped to two roles (the first stays)',
      'Flowgate.Admin=admin, Flowgate.Admin=viewer',
      ['"Flowgate.Admin=viewer" maps "Flowgate.Admin" again, already mapped to "admin"'],
      [['Flowgate.Admin', 'admin']],
    ],
    [
      'a GUID mapped twice in different cases',
      `${GROUP}=requester, ${GROUP.toUpperCase()}=admin`,
      [`"${GROUP.toUpperCase()}=admin" maps "${GROUP}" again, already mapped to "requester"`],
      [[GROUP, 'requester']],
    ],
    [
      'several problems at once, each named',
      'x, y=root, =viewer',
      [
        '"x" has no "=": write <claim value>=<role>',
        '"y=root" names an unknown role "root"; roles are viewer, requester, approver, admin, auditor',
        '"=viewer" has no claim value before "="',
      ],
      [],
    ],
  ])('reports %s', (_name, raw, expectedProblems, expectedMapping) => {
    const { mapping, problems } = parseRoleMapping(raw);
    expect(problems).toEqual(expectedProblems);
    expect([...mapping]).toEqual(expectedMapping);
  });
});

describe('rolesFromClaims', () => {
  const { mapping } = parseRoleMapping(
    `Flowgate.Admin=admin, Flowgate.Approver=approver, Flowgate.Audit=auditor, ${GROUP}=requester, admin=viewer`,
  );

  it.each<[string, { roles?: unknown; groups?: unknown }, ClaimedRole[]]>([
    ['no claims', {}, []],
    ['empty claims', { roles: [], groups: [] }, []],
    ['one mapped app role', { roles: ['Flowgate.Admin'] }, [{ role: 'admin', source: 'token:roles:Flowgate.Admin' }]],
    ['one mapped group', { groups: [GROUP] }, [{ role: 'requester', source: `token:groups:${GROUP}` }]],
    [
      'a group whose id arrives in upper case',
      { groups: [GROUP.toUpperCase()] },
      [{ role: 'requester', source: `token:groups:${GROUP.toUpperCase()}` }],
    ],
    ['an unmapped group', { groups: [OTHER_GROUP] }, []],
    ['an unmapped app role', { roles: ['Flowgate.Unknown'] }, []],
    ['a mapped app role in another case', { roles: ['flowgate.admin'] }, []],
    [
      'app roles and groups together, listed in ROLES order',
      { roles: ['Flowgate.Audit', 'Flowgate.Approver'], groups: [GROUP, OTHER_GROUP] },
      [
        { role: 'requester', source: `token:groups:${GROUP}` },
        { role: 'approver', source: 'token:roles:Flowgate.Approver' },
        { role: 'auditor', source: 'token:roles:Flowgate.Audit' },
      ],
    ],
    ['a role name as an app role', { roles: ['approver'] }, [{ role: 'approver', source: 'token:roles:approver' }]],
    [
      'every role name as an app role',
      { roles: ['viewer', 'requester', 'auditor'] },
      [
        { role: 'viewer', source: 'token:roles:viewer' },
        { role: 'requester', source: 'token:roles:requester' },
        { role: 'auditor', source: 'token:roles:auditor' },
      ],
    ],
    [
      'a role name the mapping overrides (admin=viewer)',
      { roles: ['admin'] },
      [{ role: 'viewer', source: 'token:roles:admin' }],
    ],
    ['a role name in a group claim is not a role', { groups: ['approver', 'auditor'] }, []],
    ['a role name in another case', { roles: ['Approver'] }, []],
    [
      'duplicate values, once',
      { roles: ['Flowgate.Admin', 'Flowgate.Admin'], groups: [GROUP, GROUP] },
      [
        { role: 'requester', source: `token:groups:${GROUP}` },
        { role: 'admin', source: 'token:roles:Flowgate.Admin' },
      ],
    ],
    [
      'the same role by several routes, with the first source (app roles before groups)',
      { roles: ['requester'], groups: [GROUP] },
      [{ role: 'requester', source: 'token:roles:requester' }],
    ],
    [
      'non-string entries, skipped',
      { roles: [1, null, { value: 'Flowgate.Admin' }, ['Flowgate.Admin'], true, 'Flowgate.Approver'], groups: [42] },
      [{ role: 'approver', source: 'token:roles:Flowgate.Approver' }],
    ],
    ['roles as a bare string, ignored', { roles: 'Flowgate.Admin' }, []],
    ['groups as a bare string, ignored', { groups: GROUP }, []],
    ['roles as an object, ignored', { roles: { 0: 'Flowgate.Admin', length: 1 } }, []],
    ['null claims, ignored', { roles: null, groups: null }, []],
  ])('%s', (_name, claims, expected) => {
    expect(rolesFromClaims(claims, mapping)).toEqual(expected);
  });

  it('with an empty mapping still reads role names from the roles claim', () => {
    expect(rolesFromClaims({ roles: ['admin', 'Flowgate.Admin'], groups: [GROUP] }, new Map())).toEqual([
      { role: 'admin', source: 'token:roles:admin' },
    ]);
  });
});
