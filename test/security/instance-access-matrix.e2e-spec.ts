import request from 'supertest';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DevIdentityProvider, type Role } from '@flowgate/auth';
import { TestApp } from '@flowgate/testing';
import { createTestApp } from '../support/create-test-app';
import type { WorkflowDefinitionDocument } from '@flowgate/workflows';

/**
 * Object-level authorization (BOLA) on every instance-scoped operation of the served OpenAPI
 * document (every path under `/v1/workflows/{id}`), for every persona, in both visibility modes
 * (docs/workflows.md "API: instances", "Assignment", "Who may do what"). The table below is the
 * decision: an operation the document has and the table lacks fails the suite, so a new endpoint
 * cannot ship without someone deciding its authority; a row the document no longer has fails too.
 *
 * Every cell runs against an instance in `submitted`, started and submitted by the initiator and
 * assigned to the assignee by an admin, where the only transitions are `approve` and `reject`
 * (approver, assignee only, not the initiator) and `withdraw` (requester, initiator only). Writes
 * get a fresh instance per cell, so no cell sees another's effect, and a refused write must leave
 * the instance's version and assignees as they were. Each case collects its mismatches and
 * asserts the list is empty, so one run names every wrong cell.
 */

const PROBLEM_JSON = /^application\/problem\+json/;
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const INSTANCE_SCOPED = '/v1/workflows/{id}';

const PERSONAS = ['initiator', 'assignee', 'otherApprover', 'otherRequester', 'admin', 'auditor'] as const;
const PERSONA_ROLES: Record<Persona, Role[]> = {
  initiator: ['requester'],
  assignee: ['approver'],
  otherApprover: ['approver'],
  otherRequester: ['requester'],
  admin: ['admin'],
  auditor: ['auditor'],
};
const MODES = ['participants', 'authenticated'] as const;

type HttpMethod = (typeof HTTP_METHODS)[number];
type Persona = (typeof PERSONAS)[number];
type Mode = (typeof MODES)[number];
/** One expected answer per persona, in `PERSONAS` order: `200`, or `<status> <problem code>`. */
type Answers = readonly [
  initiator: string,
  assignee: string,
  otherApprover: string,
  otherRequester: string,
  admin: string,
  auditor: string,
];

interface Account {
  readonly name: string;
  readonly id: string;
  readonly auth: Record<string, string>;
}

interface Row {
  /** The body an authorized caller would succeed with; none when absent. */
  readonly body?: (accounts: Record<Persona | 'delegateTarget', Account>) => Record<string, unknown>;
  readonly participants: Answers;
  readonly authenticated: Answers;
  /** A random id that no instance has. */
  readonly unknownId: Answers;
}

interface OperationObject {
  readonly 'x-idempotency'?: { readonly required?: boolean };
}

interface Operation {
  readonly method: HttpMethod;
  readonly path: string;
  readonly label: string;
  readonly idempotent: boolean;
}

const OK = '200';
const NOT_FOUND = '404 not_found';
const ROUTE_ADMIN = '403 insufficient_role';
const NOT_ALLOWED_BY_ROLE = '403 insufficient_role';
const ASSIGNEE_ONLY = '403 assignee_only';
const FORBIDDEN = '403 forbidden';
const NOT_ELIGIBLE = '409 not_eligible';
const ALREADY_ASSIGNED = '409 already_assigned';
const ALL_NOT_FOUND: Answers = [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND];

/**
 * The decision, per operation and persona. Columns: initiator (requester), assignee (approver),
 * other approver (not assigned, not a participant), other requester (not a participant), admin,
 * auditor. In participants mode the two outsiders can neither act (approve/reject need the
 * assignee, withdraw the initiator) nor claim (someone is assigned), so they may not see the
 * instance: 404 on everything that looks at it.
 */
const EXPECTED: Record<string, Row> = {
  'GET /v1/workflows/{id}': {
    participants: [OK, OK, NOT_FOUND, NOT_FOUND, OK, OK],
    authenticated: [OK, OK, OK, OK, OK, OK],
    unknownId: ALL_NOT_FOUND,
  },
  'GET /v1/workflows/{id}/available-transitions': {
    participants: [OK, OK, NOT_FOUND, NOT_FOUND, OK, OK],
    authenticated: [OK, OK, OK, OK, OK, OK],
    unknownId: ALL_NOT_FOUND,
  },
  'GET /v1/workflows/{id}/history': {
    participants: [OK, OK, NOT_FOUND, NOT_FOUND, OK, OK],
    authenticated: [OK, OK, OK, OK, OK, OK],
    unknownId: ALL_NOT_FOUND,
  },
  // `approve` for everyone: the assignee's to take. The initiator and the auditor lack the role
  // (engine: role before actor); the admin holds approver by hierarchy but is not the assignee.
  'POST /v1/workflows/{id}/transitions': {
    body: () => ({ name: 'approve' }),
    participants: [NOT_ALLOWED_BY_ROLE, OK, NOT_FOUND, NOT_FOUND, ASSIGNEE_ONLY, NOT_ALLOWED_BY_ROLE],
    authenticated: [NOT_ALLOWED_BY_ROLE, OK, ASSIGNEE_ONLY, NOT_ALLOWED_BY_ROLE, ASSIGNEE_ONLY, NOT_ALLOWED_BY_ROLE],
    unknownId: ALL_NOT_FOUND,
  },
  // Admin-only at the route guard: everyone else gets 403 insufficient_role whatever the instance
  // (unknown ids included), so the 403 tells nothing about existence. The admin assigns the
  // person already assigned: 200, no change.
  'PUT /v1/workflows/{id}/assignees/{userId}': {
    participants: [ROUTE_ADMIN, ROUTE_ADMIN, ROUTE_ADMIN, ROUTE_ADMIN, OK, ROUTE_ADMIN],
    authenticated: [ROUTE_ADMIN, ROUTE_ADMIN, ROUTE_ADMIN, ROUTE_ADMIN, OK, ROUTE_ADMIN],
    unknownId: [ROUTE_ADMIN, ROUTE_ADMIN, ROUTE_ADMIN, ROUTE_ADMIN, NOT_FOUND, ROUTE_ADMIN],
  },
  // Unassigning the assignee: admins, or the assignee themself; anyone else who can see it, 403.
  'DELETE /v1/workflows/{id}/assignees/{userId}': {
    participants: [FORBIDDEN, OK, NOT_FOUND, NOT_FOUND, OK, FORBIDDEN],
    authenticated: [FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN],
    unknownId: ALL_NOT_FOUND,
  },
  // Eligibility is checked before the current assignment: approvers (the admin by hierarchy) could
  // approve if assigned, so they hear it is taken; the rest could take nothing (withdraw is the
  // initiator's own and needs no assignment). The assignee claiming again: 200, no change.
  'POST /v1/workflows/{id}/claim': {
    participants: [NOT_ELIGIBLE, OK, NOT_FOUND, NOT_FOUND, ALREADY_ASSIGNED, NOT_ELIGIBLE],
    authenticated: [NOT_ELIGIBLE, OK, ALREADY_ASSIGNED, NOT_ELIGIBLE, ALREADY_ASSIGNED, NOT_ELIGIBLE],
    unknownId: ALL_NOT_FOUND,
  },
  // Handing over to another eligible approver: only the assignee may.
  'POST /v1/workflows/{id}/delegate': {
    body: (accounts) => ({ to: accounts.delegateTarget.id, comment: 'over to you' }),
    participants: [ASSIGNEE_ONLY, OK, NOT_FOUND, NOT_FOUND, ASSIGNEE_ONLY, ASSIGNEE_ONLY],
    authenticated: [ASSIGNEE_ONLY, OK, ASSIGNEE_ONLY, ASSIGNEE_ONLY, ASSIGNEE_ONLY, ASSIGNEE_ONLY],
    unknownId: ALL_NOT_FOUND,
  },
};

/** initiator → submitted; then approve / reject (assignee, not the initiator) or withdraw (initiator). */
function matrixDocument(key: string, mode: Mode): WorkflowDefinitionDocument {
  const reviewStep = { from: 'submitted', role: 'approver', actor: 'assignee' } as const;
  return {
    key,
    title: 'Instance access matrix',
    // Participants mode is the default: left out, so that the default is what is tested.
    ...(mode === 'authenticated' ? { visibility: 'authenticated' as const } : {}),
    states: [
      { name: 'draft', initial: true },
      { name: 'submitted' },
      { name: 'approved', terminal: true },
      { name: 'rejected', terminal: true },
      { name: 'withdrawn', terminal: true },
    ],
    transitions: [
      { name: 'submit', from: 'draft', to: 'submitted', role: 'requester', actor: 'initiator' },
      { name: 'approve', to: 'approved', ...reviewStep, separationOfDuties: { notInitiator: true } },
      { name: 'reject', to: 'rejected', ...reviewStep, separationOfDuties: { notInitiator: true } },
      { name: 'withdraw', from: 'submitted', to: 'withdrawn', role: 'requester', actor: 'initiator' },
    ],
  };
}

function outcomeOf(res: request.Response): string {
  if (res.status >= 200 && res.status < 300) return String(res.status);
  const problem = PROBLEM_JSON.test(String(res.headers['content-type'])) && res.body?.status === res.status;
  return `${res.status} ${String(res.body?.code ?? '-')}${problem ? '' : ' (not a problem+json body)'}`;
}

/** A 404 body as it may be compared across ids: the id it echoes replaced, request id and path left out. */
function comparable404(res: request.Response, id: string): unknown {
  const { requestId: _requestId, instance: _instance, ...rest } = res.body as Record<string, unknown>;
  return {
    contentType: res.headers['content-type'],
    headerNames: Object.keys(res.headers).sort(),
    body: JSON.parse(JSON.stringify(rest).split(id).join('{id}')) as unknown,
  };
}

describe('Instance access matrix (from the served OpenAPI document)', () => {
  let testApp: TestApp;
  let http: ReturnType<typeof request>;
  let dev: DevIdentityProvider;
  let db: DataSource;
  let operations: Operation[];
  const suffix = randomBytes(4).toString('hex');
  const keys: Record<Mode, string> = {
    participants: `inst-matrix-p-${suffix}`,
    authenticated: `inst-matrix-a-${suffix}`,
  };
  const accounts = {} as Record<Persona | 'delegateTarget', Account>;

  beforeAll(async () => {
    testApp = await createTestApp({ env: { AUTH_ROLE_MAPPING: '' } });
    http = request(testApp.app.getHttpServer());
    dev = testApp.app.get(DevIdentityProvider);
    db = testApp.app.get(DataSource);
    for (const persona of PERSONAS) accounts[persona] = await account(persona, PERSONA_ROLES[persona]);
    // Someone eligible to hand over to who is none of the personas.
    accounts.delegateTarget = await account('delegate-target', ['approver']);

    const served = await http.get('/openapi.json').expect(200);
    const paths = served.body.paths as Record<string, Partial<Record<HttpMethod, OperationObject>>>;
    operations = Object.entries(paths)
      .filter(([path]) => path === INSTANCE_SCOPED || path.startsWith(`${INSTANCE_SCOPED}/`))
      .flatMap(([path, item]) =>
        HTTP_METHODS.flatMap((method) => {
          const operation = item[method];
          if (!operation) return [];
          const label = `${method.toUpperCase()} ${path}`;
          return [{ method, path, label, idempotent: operation['x-idempotency'] !== undefined }];
        }),
      );

    for (const mode of MODES) {
      await http
        .post('/v1/workflow-definitions')
        .set(accounts.admin.auth)
        .send(matrixDocument(keys[mode], mode))
        .expect(201);
    }
  });

  afterAll(() => testApp?.close());

  async function account(name: string, roles: Role[]): Promise<Account> {
    const user = `inst-matrix-${name}-${suffix}`;
    const token = await dev.mint({ user, roles, stepUp: true });
    const auth = { Authorization: `Bearer ${token}` };
    const me = await http.get('/v1/me').set(auth).expect(200);
    return { name: user, id: me.body.id as string, auth };
  }

  /** An instance in `submitted`, started by the initiator and assigned to the assignee by an admin. */
  async function prepared(mode: Mode): Promise<{ id: string; version: number }> {
    const { initiator, assignee, admin } = accounts;
    const started = await http
      .post('/v1/workflows')
      .set(initiator.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ definitionKey: keys[mode] })
      .expect(201);
    const id = started.body.id as string;
    await http
      .post(`/v1/workflows/${id}/transitions`)
      .set(initiator.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ name: 'submit' })
      .expect(200);
    const assigned = await http.put(`/v1/workflows/${id}/assignees/${assignee.id}`).set(admin.auth).expect(200);
    expect(assigned.body).toMatchObject({ state: 'submitted', initiatorId: initiator.id, assigneeIds: [assignee.id] });
    return { id, version: assigned.body.version as number };
  }

  /** The operation on instance `id`: path parameters filled, a fresh Idempotency-Key where it takes one. */
  function call(operation: Operation, id: string, auth: Record<string, string> | undefined): request.Test {
    const url = operation.path.replace(/\{([^}]+)\}/g, (_match, name: string) => {
      if (name === 'id') return id;
      if (name === 'userId') return accounts.assignee.id;
      throw new Error(`${operation.label}: no value for path parameter {${name}}; teach the matrix about it`);
    });
    let req = http[operation.method](url);
    if (auth) req = req.set(auth);
    if (operation.idempotent) req = req.set('Idempotency-Key', randomUUID());
    const body = EXPECTED[operation.label]?.body;
    return body ? req.send(body(accounts)) : req;
  }

  const isRead = (operation: Operation) => operation.method === 'get';
  const rowOf = (operation: Operation) => EXPECTED[operation.label];
  const covered = () => operations.filter((operation) => rowOf(operation) !== undefined);

  it('has a row for exactly the instance-scoped operations the document serves', () => {
    const served = operations.map((operation) => operation.label);
    expect({
      servedWithoutRow: served.filter((label) => !(label in EXPECTED)),
      rowWithoutOperation: Object.keys(EXPECTED).filter((label) => !served.includes(label)),
    }).toEqual({ servedWithoutRow: [], rowWithoutOperation: [] });
    // Today's eight: the matrix cannot pass vacuously.
    expect(served.length).toBeGreaterThanOrEqual(8);
    expect(served.filter((label) => label.startsWith('GET')).length).toBeGreaterThanOrEqual(3);
  });

  it('stands where the table assumes: approve and reject are the assignee’s, withdraw the initiator’s', async () => {
    for (const mode of MODES) {
      const { id } = await prepared(mode);
      const standing = async (persona: Persona) => {
        const res = await http.get(`/v1/workflows/${id}/available-transitions`).set(accounts[persona].auth);
        expect(res.status).toBe(200);
        return (res.body.value as { name: string; allowed: boolean; reason?: string }[]).map(
          ({ name, allowed, reason }) => `${name} ${allowed ? 'allowed' : reason}`,
        );
      };
      expect(await standing('assignee')).toEqual(['approve allowed', 'reject allowed', 'withdraw initiator_only']);
      expect(await standing('initiator')).toEqual([
        'approve insufficient_role',
        'reject insufficient_role',
        'withdraw allowed',
      ]);
      expect(await standing('admin')).toEqual([
        'approve assignee_only',
        'reject assignee_only',
        'withdraw initiator_only',
      ]);
    }
    const definition = await http.get(`/v1/workflow-definitions/${keys.participants}`).set(accounts.auditor.auth);
    expect(definition.body.definition.visibility).toBe('participants');
  });

  it('answers an anonymous caller with 401 unauthenticated on every operation, existing instance or not', async () => {
    const { id } = await prepared('participants');
    const mismatches: string[] = [];
    for (const operation of covered()) {
      for (const [what, target] of [
        ['existing', id],
        ['unknown', randomUUID()],
      ] as const) {
        const res = await call(operation, target, undefined);
        if (outcomeOf(res) !== '401 unauthenticated') {
          mismatches.push(`${operation.label} (${what} id) anonymous: got ${outcomeOf(res)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    const after = await http.get(`/v1/workflows/${id}`).set(accounts.admin.auth).expect(200);
    expect(after.body).toMatchObject({ version: 3, assigneeIds: [accounts.assignee.id] });
  });

  it('answers a random unknown id as the table says: 404 not_found, unless the route guard refuses first', async () => {
    const mismatches: string[] = [];
    for (const operation of covered()) {
      for (const [index, persona] of PERSONAS.entries()) {
        const res = await call(operation, randomUUID(), accounts[persona].auth);
        const expected = rowOf(operation).unknownId[index];
        if (outcomeOf(res) !== expected) {
          mismatches.push(`${operation.label} as ${persona}: expected ${expected}, got ${outcomeOf(res)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  describe.each(MODES)('visibility: %s', (mode) => {
    /**
     * One cell: the expected answer, a refused write leaves the instance as it was, and a 404 is
     * the same (bar the id it echoes, the request id and the path) as the 404 for an id that never
     * existed, headers included — existence must not leak through wording.
     */
    async function check(operation: Operation, persona: Persona, instance: { id: string; version: number }) {
      const index = PERSONAS.indexOf(persona);
      const expected = rowOf(operation)[mode][index];
      const cell = `${operation.label} as ${persona}`;
      const problems: string[] = [];
      const res = await call(operation, instance.id, accounts[persona].auth);
      if (outcomeOf(res) !== expected) problems.push(`${cell}: expected ${expected}, got ${outcomeOf(res)}`);
      if (res.status === 404) {
        const unknownId = randomUUID();
        const unknown = await call(operation, unknownId, accounts[persona].auth);
        const [seen, never] = [comparable404(res, instance.id), comparable404(unknown, unknownId)];
        if (JSON.stringify(seen) !== JSON.stringify(never)) {
          problems.push(
            `${cell}: its 404 differs from an unknown id's: ${JSON.stringify(seen)} vs ${JSON.stringify(never)}`,
          );
        }
      }
      if (!isRead(operation) && res.status >= 300) {
        const after = await http.get(`/v1/workflows/${instance.id}`).set(accounts.admin.auth).expect(200);
        const state = { version: after.body.version, assigneeIds: after.body.assigneeIds };
        const before = { version: instance.version, assigneeIds: [accounts.assignee.id] };
        if (JSON.stringify(state) !== JSON.stringify(before)) {
          problems.push(
            `${cell}: refused (${outcomeOf(res)}) but changed ${JSON.stringify(before)} to ${JSON.stringify(state)}`,
          );
        }
      }
      return problems;
    }

    it('reads: every persona on one instance, as the table says', async () => {
      const instance = await prepared(mode);
      const mismatches: string[] = [];
      for (const operation of covered().filter(isRead)) {
        for (const persona of PERSONAS) mismatches.push(...(await check(operation, persona, instance)));
      }
      expect(mismatches).toEqual([]);
    });

    it('writes: every persona on a fresh instance per cell, as the table says', async () => {
      const mismatches: string[] = [];
      let cells = 0;
      for (const operation of covered().filter((candidate) => !isRead(candidate))) {
        for (const persona of PERSONAS) {
          mismatches.push(...(await check(operation, persona, await prepared(mode))));
          cells += 1;
        }
      }
      expect(mismatches).toEqual([]);
      expect(cells).toBeGreaterThanOrEqual(5 * PERSONAS.length);
    }, 180_000);

    if (mode === 'participants') {
      it('audits no attempt on an instance the caller may not see (a denial would take measurably longer)', async () => {
        const { id } = await prepared(mode);
        const outsiders = [accounts.otherApprover, accounts.otherRequester];
        for (const operation of covered()) {
          for (const outsider of outsiders) await call(operation, id, outsider.auth);
        }
        // The control: a refusal on an instance the caller may see is audited, on the same instance.
        const { admin } = accounts;
        await http
          .post(`/v1/workflows/${id}/transitions`)
          .set(admin.auth)
          .set('Idempotency-Key', randomUUID())
          .send({ name: 'approve' })
          .expect(403);
        const denials = await db.query<{ action: string; actor_name: string }[]>(
          `SELECT action, actor_name FROM audit_events
           WHERE resource_type = 'workflow' AND resource_id = $1 AND outcome = 'denied'`,
          [id],
        );
        expect(denials).toEqual([{ action: 'workflow.transition', actor_name: admin.name }]);
      });
    }
  });
});
