import { ROLES, satisfies, type Role } from '@flowgate/roles';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { orderMigrations, TransactionRunner } from '@flowgate/core';
import { createScratchDatabase, type ScratchDatabase } from '@flowgate/testing';
import { AUDIT_MIGRATIONS } from '@flowgate/audit';
import { TRAFFIC_MIGRATIONS } from '@flowgate/traffic';
import { USERS_MIGRATIONS } from '@flowgate/users';
import { WORKFLOWS_MIGRATIONS } from '../migrations';
import { maySee, mayActNow, seesEverything, waitsFor } from '../authority/instance-authority';
import { validateDefinition } from '../definition/definition-validator';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import { availableTransitions } from '../engine/available-transitions';
import type { AvailabilityRequest } from '../engine/decision';
import { validDocumentArbitrary } from '../testing/definition-arbitraries';
import type { ListScope } from './instance-list-query';
import { listScope } from './list-scope';
import { InstancePeopleRepository } from './instance-people.repository';
import type { WorkflowInstance } from './workflow-instance';
import { WorkflowInstancesRepository } from './workflow-instances.repository';

/**
 * The list query decides in SQL what the engine decides for one instance: "waiting for me" must
 * list exactly the instances where `available-transitions` offers the caller something, or that
 * wait in a role queue they may claim from (`waitsFor`), and the plain list exactly those the
 * caller may see (`maySee`). Checked on generated definitions (every actor rule, separation of
 * duties, quorums, both visibilities, role queues) and
 * generated histories: moves and votes the engine allowed, and assignments, written through the
 * same repository methods the services use, on the run's real PostgreSQL.
 */

const PEOPLE = 3;
const INSTANCES = 2;

interface Person {
  readonly id: string;
  readonly roles: Role[];
}

type Step =
  | {
      readonly kind: 'take';
      readonly instance: number;
      readonly person: number;
      /** The n-th of the transitions the engine allows, or the one named. */
      readonly transition: number | string;
    }
  | { readonly kind: 'assign'; readonly instance: number; readonly person: number }
  | { readonly kind: 'unassign'; readonly instance: number; readonly person: number };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('take' as const), instance: fc.nat(), person: fc.nat(), transition: fc.nat() }) }, // prettier-ignore
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('assign' as const), instance: fc.nat(), person: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unassign' as const), instance: fc.nat(), person: fc.nat() }) },
);

/**
 * Generated definitions, with quorums of at most three, so that four people can complete one and
 * a visit can end and begin again (votes of an earlier visit must stop counting); about a third
 * of the non-terminal states queued to a role that some transition out of them lets act (what
 * the validator asks of a queue).
 */
const documentArbitrary = fc
  .tuple(validDocumentArbitrary, fc.array(fc.nat(), { minLength: 100, maxLength: 100 }))
  .map(([document, picks]) => {
    const transitions = document.transitions.map((transition) =>
      typeof transition.quorum === 'number' ? { ...transition, quorum: 1 + (transition.quorum % 3) } : transition,
    );
    const states = document.states.map((state, index) => {
      const roles = transitions
        .filter((transition) => [transition.from].flat().includes(state.name) && transition.actor !== 'initiator')
        .flatMap((transition) => (typeof transition.role === 'string' ? [transition.role as Role] : [...ROLES]));
      if (state.terminal === true || roles.length === 0 || picks[index] % 3 !== 0) return state;
      return { ...state, assignTo: { role: roles[Math.floor(picks[index] / 3) % roles.length] } };
    });
    return { ...document, states, transitions };
  });

/**
 * A small loop with a quorum, as a generated definition seldom is: votes cast, the instance sent
 * back and submitted again, and the earlier votes no longer counting are the case it exists for.
 */
const LOOP_WITH_QUORUM = {
  key: 'loop-with-quorum',
  title: 'Loop with a quorum',
  states: [{ name: 'draft', initial: true }, { name: 'review' }, { name: 'done', terminal: true }],
  transitions: [
    { name: 'send', from: 'draft', to: 'review', role: 'requester' },
    { name: 'back', from: 'review', to: 'draft', role: 'approver', actor: 'assignee' },
    { name: 'vote', from: 'review', to: 'done', role: 'approver', quorum: 3, separationOfDuties: { notPreviousActorOf: ['back'] } }, // prettier-ignore
  ],
};

const scenarioArbitrary = fc.record({
  document: fc.oneof(
    { weight: 3, arbitrary: documentArbitrary },
    { weight: 1, arbitrary: fc.constant(LOOP_WITH_QUORUM) },
  ),
  roles: fc.array(fc.subarray([...ROLES], { maxLength: 2 }), { minLength: PEOPLE, maxLength: PEOPLE }),
  initiators: fc.array(fc.nat(), { minLength: INSTANCES, maxLength: INSTANCES }),
  steps: fc.array(stepArbitrary, { maxLength: 40 }),
});

function definitionOf(document: unknown): WorkflowDefinition {
  const result = validateDefinition(document);
  if (!result.valid) throw new Error(JSON.stringify(result.violations));
  return result.definition;
}

/** The tables these services touch, and those they reference (users) or rely on being there. */
const SCHEMA = orderMigrations(USERS_MIGRATIONS, AUDIT_MIGRATIONS, TRAFFIC_MIGRATIONS, WORKFLOWS_MIGRATIONS);
describe('Instance authority in SQL agrees with the engine (property)', () => {
  let scratch: ScratchDatabase;
  let dataSource: DataSource;
  let transactions: TransactionRunner;
  let instances: WorkflowInstancesRepository;
  let people: InstancePeopleRepository;
  /** Guards against a generator that never produces the cases worth checking. */
  const seenCases = { runs: 0, offered: 0, seenOnlyForActingOrClaiming: 0, assigned: 0, waitingInQueue: 0 };

  beforeAll(async () => {
    // A database of its own: its many definitions would crowd the other suites' lists.
    scratch = await createScratchDatabase('authority_spec', SCHEMA);
    dataSource = scratch.dataSource;
    transactions = new TransactionRunner(dataSource, { setContext: () => undefined } as unknown as PinoLogger);
    instances = new WorkflowInstancesRepository(transactions);
    people = new InstancePeopleRepository();
  });

  afterAll(() => scratch?.drop());

  /** What the test knows independently of the tables: who took part in each instance. */
  interface Tracked {
    instance: WorkflowInstance;
    participants: Set<string>;
  }

  async function createPeople(roles: Role[][]): Promise<Person[]> {
    const created: Person[] = [];
    for (const held of roles) {
      const [row] = await dataSource.query<{ id: string }[]>(
        `INSERT INTO users (tenant_id, object_id, token_roles) VALUES ($1, $2, $3) RETURNING id`,
        [randomUUID(), randomUUID(), held],
      );
      created.push({ id: row.id, roles: held });
    }
    return created;
  }

  async function publish(definition: WorkflowDefinition): Promise<string> {
    const key = `authority-${randomUUID().slice(0, 8)}`;
    await dataSource.query(
      `INSERT INTO workflow_definitions (key, version, title, definition) VALUES ($1, 1, $2, $3)`,
      [key, definition.title, JSON.stringify({ ...definition, key })],
    );
    return key;
  }

  async function start(key: string, definition: WorkflowDefinition, initiator: Person): Promise<Tracked> {
    const initial = definition.states.find((state) => state.initial)!.name;
    const instance = await transactions.run(async (manager) => {
      const created = await instances.insert(
        { definitionKey: key, definitionVersion: 1, state: initial, data: null, initiatorId: initiator.id },
        manager,
      );
      await people.addParticipants(created, [initiator.id], manager);
      await instances.appendHistory(created.id, line(1, 'started', null, initial, initiator.id, null), manager);
      const role = queueOf(definition, initial);
      if (role === undefined) return created;
      await people.queueToRole(created.id, role, manager);
      return { ...created, assignedRole: role };
    });
    return { instance, participants: new Set([initiator.id]) };
  }

  function line(
    seq: number,
    kind: 'started' | 'moved' | 'voted' | 'assigned' | 'unassigned',
    transition: string | null,
    toState: string,
    actorId: string,
    assigneeId: string | null,
  ) {
    return { seq, kind, transition, fromState: null, toState, actorId, assigneeId, input: null, comment: null };
  }

  /** The role a state is queued to on entry, if it is. */
  function queueOf(definition: WorkflowDefinition, state: string): Role | undefined {
    const assignTo = definition.states.find((candidate) => candidate.name === state)?.assignTo;
    return assignTo !== undefined && 'role' in assignTo ? assignTo.role : undefined;
  }

  async function requestFor(definition: WorkflowDefinition, tracked: Tracked, person: Person) {
    const past = await instances.past(tracked.instance.id);
    const { state, initiatorId, assigneeIds, assignedRole } = tracked.instance;
    const request: AvailabilityRequest = {
      definition,
      instance: { state, initiatorId, assigneeIds, assignedRole },
      actorsByTransition: past.actorsByTransition,
      votes: past.votes,
      principal: { userId: person.id, roles: person.roles, stepUpSatisfied: false },
    };
    return { request, past };
  }

  /** Applies a step as the services would, when the engine allows it; otherwise nothing. */
  async function apply(step: Step, definition: WorkflowDefinition, all: Tracked[], cast: Person[]): Promise<void> {
    const tracked = all[step.instance % all.length];
    const person = cast[step.person % cast.length];
    const { request, past } = await requestFor(definition, tracked, person);
    const seq = past.lastSeq + 1;
    const { id, state, terminal } = tracked.instance;
    if (step.kind === 'take') {
      // One of the transitions the engine allows this person now, so that histories get somewhere.
      const allowed = availableTransitions({
        ...request,
        principal: { ...request.principal, stepUpSatisfied: true },
      }).filter((candidate) => candidate.decision.allowed);
      const chosen =
        typeof step.transition === 'string'
          ? allowed.find((candidate) => candidate.name === step.transition)
          : allowed[step.transition % Math.max(allowed.length, 1)];
      if (!chosen?.decision.allowed) return;
      const moved = chosen.decision.outcome === 'moved';
      const to = moved ? chosen.to : state;
      const isTerminal = definition.states.some((candidate) => candidate.name === to && candidate.terminal);
      tracked.instance = await transactions.run(async (manager) => {
        if (moved) await people.clearAssignments(id, manager);
        const role = moved ? queueOf(definition, to) : undefined;
        if (role !== undefined) await people.queueToRole(id, role, manager);
        const updated = await instances.update(
          id,
          { state: to, terminal: isTerminal, ...(moved ? { enteredSeq: seq } : {}) },
          manager,
        );
        await people.addParticipants(updated, [person.id], manager);
        await instances.appendHistory(id, line(seq, moved ? 'moved' : 'voted', chosen.name, to, person.id, null), manager); // prettier-ignore
        return updated;
      });
      tracked.participants.add(person.id);
      return;
    }
    // The terminal guard refuses changes to a finished instance, as the services do before it.
    if (terminal) return;
    const assigning = step.kind === 'assign';
    if (assigning === tracked.instance.assigneeIds.includes(person.id)) return;
    // Nobody outside a role queue is assigned to it (the services refuse: not_eligible).
    const { assignedRole } = tracked.instance;
    if (assigning && assignedRole !== null && !satisfies(person.roles, assignedRole)) return;
    // Whoever makes the change (an admin, a claimer, a delegator): any other person will do here.
    const actor = cast[(step.person + 1) % cast.length];
    tracked.instance = await transactions.run(async (manager) => {
      if (assigning) await people.assign(id, person.id, actor.id, manager);
      else await people.unassign(id, person.id, manager);
      const updated = await instances.touch(tracked.instance, manager);
      await people.addParticipants(updated, [actor.id, person.id], manager);
      await instances.appendHistory(id, line(seq, assigning ? 'assigned' : 'unassigned', null, state, actor.id, person.id), manager); // prettier-ignore
      return updated;
    });
    tracked.participants.add(actor.id).add(person.id);
  }

  async function listed(key: string, scope: ListScope): Promise<string[]> {
    const rows = await instances.list({ definitionKey: key, scope, limit: 1000 });
    return rows.map((row) => row.id).sort();
  }

  it('lists exactly what the engine offers (waiting for me) and lets see (the list)', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, async (scenario) => {
        seenCases.runs += 1;
        const definition = definitionOf(scenario.document);
        const key = await publish(definition);
        const cast = await createPeople(scenario.roles);
        const all: Tracked[] = [];
        for (const index of scenario.initiators) all.push(await start(key, definition, cast[index % cast.length]));
        for (const step of scenario.steps) await apply(step, definition, all, cast);

        const versions = [{ key, version: 1, definition }];
        for (const person of cast) {
          const offered: string[] = [];
          const seen: string[] = [];
          for (const tracked of all) {
            const { request } = await requestFor(definition, tracked, person);
            const participates = tracked.participants.has(person.id);
            if (waitsFor(request)) offered.push(tracked.instance.id);
            if (maySee(request, participates)) seen.push(tracked.instance.id);
            if (mayActNow(request)) seenCases.offered += 1;
            if (waitsFor(request) && !mayActNow(request)) seenCases.waitingInQueue += 1;
            if (!participates && !seesEverything(person) && maySee(request, false)) {
              seenCases.seenOnlyForActingOrClaiming += definition.visibility === 'participants' ? 1 : 0;
            }
            if (tracked.instance.assigneeIds.length > 0) seenCases.assigned += 1;
          }
          const scopeOf = (waitingForMe: boolean) => listScope(versions, { userId: person.id, roles: person.roles }, waitingForMe); // prettier-ignore
          const waiting = await listed(key, scopeOf(true));
          expect({ person: person.roles, waiting }).toEqual({ person: person.roles, waiting: offered.sort() });
          const visible = await listed(key, scopeOf(false));
          expect({ person: person.roles, visible }).toEqual({ person: person.roles, visible: seen.sort() });
        }
      }),
      { numRuns: 200 },
    );
    expect(seenCases.runs).toBeGreaterThanOrEqual(200);
    expect(seenCases.offered).toBeGreaterThan(0);
    expect(seenCases.seenOnlyForActingOrClaiming).toBeGreaterThan(0);
    expect(seenCases.assigned).toBeGreaterThan(0);
    expect(seenCases.waitingInQueue).toBeGreaterThan(0);
    // Room to shrink a counterexample; a passing run takes a few seconds.
  }, 120_000);

  /**
   * The case a generated history reaches only now and then, written out: a vote cast, the
   * instance sent back and submitted again, and the voter offered the vote again (the earlier
   * visit's vote no longer counts), in SQL as in the engine.
   */
  it('offers a vote again after the state is left and entered anew', async () => {
    const definition = definitionOf(LOOP_WITH_QUORUM);
    const key = await publish(definition);
    const [initiator, voter, reviewer] = await createPeople([['requester'], ['approver'], ['approver']]);
    const [tracked] = [await start(key, definition, initiator)];
    const cast = [initiator, voter, reviewer];
    const take = (person: number, transition: string) =>
      apply({ kind: 'take', instance: 0, person, transition }, definition, [tracked], cast);
    const waitingOf = (person: Person) =>
      listed(key, listScope([{ key, version: 1, definition }], { userId: person.id, roles: person.roles }, true));

    await take(0, 'send');
    await take(1, 'vote');
    expect(tracked.instance).toMatchObject({ state: 'review', version: 3 });
    expect(await waitingOf(voter)).toEqual([]);

    // The reviewer is assigned, sends it back, and the initiator sends it again: a new visit.
    await apply({ kind: 'assign', instance: 0, person: 2 }, definition, [tracked], cast);
    await take(2, 'back');
    await take(0, 'send');
    expect(tracked.instance.state).toBe('review');
    expect(await waitingOf(voter)).toEqual([tracked.instance.id]);
    const { request } = await requestFor(definition, tracked, voter);
    expect(mayActNow(request)).toBe(true);
  });
});
