import { validateDefinition } from '../definition/definition-validator';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import type { AvailabilityRequest, EnginePrincipal } from '../engine/decision';
import { assignableFor, isOffered, mayActNow, mayClaim, maySee, seesEverything, waitsFor } from './instance-authority';

function definitionOf(document: unknown): WorkflowDefinition {
  const result = validateDefinition(document);
  if (!result.valid) throw new Error(JSON.stringify(result.violations));
  return result.definition;
}

/**
 * draft -submit (initiator)-> review; in review: `approve` (approver, assignee only, not the
 * initiator, step-up), `vote` (approver, quorum 2), `withdraw` (initiator only).
 */
const review = definitionOf({
  key: 'review',
  title: 'Review',
  states: [
    { name: 'draft', initial: true },
    { name: 'review' },
    { name: 'done', terminal: true },
    { name: 'gone', terminal: true },
  ],
  transitions: [
    { name: 'submit', from: 'draft', to: 'review', role: 'requester', actor: 'initiator' },
    { name: 'approve', from: 'review', to: 'done', role: 'approver', actor: 'assignee', stepUp: true, separationOfDuties: { notInitiator: true } }, // prettier-ignore
    { name: 'withdraw', from: ['draft', 'review'], to: 'gone', role: 'requester', actor: 'initiator' },
  ],
});

const pool = definitionOf({
  key: 'pool',
  title: 'Pool',
  states: [
    { name: 'open', initial: true },
    { name: 'closed', terminal: true },
  ],
  transitions: [{ name: 'vote', from: 'open', to: 'closed', role: 'approver', quorum: 2, separationOfDuties: { notInitiator: true } }], // prettier-ignore
});

const person = (userId: string, roles: EnginePrincipal['roles'], stepUpSatisfied = false): EnginePrincipal => ({
  userId,
  roles,
  stepUpSatisfied,
});

/** Alice's review, assigned to nobody unless told otherwise, asked about by `principal`. */
function inReview(principal: EnginePrincipal, overrides: Partial<AvailabilityRequest> = {}): AvailabilityRequest {
  return {
    definition: review,
    instance: { state: 'review', initiatorId: 'alice', assigneeIds: [] },
    actorsByTransition: {},
    votes: {},
    principal,
    ...overrides,
  };
}

const assigned = (...assigneeIds: string[]) => ({ instance: { state: 'review', initiatorId: 'alice', assigneeIds } });
const alice = person('alice', ['requester']);
const bob = person('bob', ['approver']);
const carol = person('carol', ['approver']);
const victor = person('victor', ['viewer']);

describe('instance authority', () => {
  describe('isOffered', () => {
    it.each<[string, Parameters<typeof isOffered>[0], boolean]>([
      ['a move', { allowed: true, outcome: 'moved', from: 'a', to: 'b' }, true],
      ['a vote', { allowed: true, outcome: 'voted', votes: 1, required: 2 }, true],
      ['a refusal for step-up only', { allowed: false, reason: 'step_up_required', detail: '' }, true],
      ['a refusal by role', { allowed: false, reason: 'insufficient_role', detail: '', requiredRole: 'admin' }, false],
      ['a refusal by actor rule', { allowed: false, reason: 'assignee_only', detail: '' }, false],
      ['a refusal by separation of duties', { allowed: false, reason: 'separation_of_duties', detail: '', rule: 'notInitiator' }, false], // prettier-ignore
      ['a repeated vote', { allowed: false, reason: 'already_voted', detail: '', votes: 1, required: 2 }, false],
      ['a terminal state', { allowed: false, reason: 'terminal_state', detail: '', state: 'done' }, false],
    ])('%s: %s', (_name, decision, offered) => {
      expect(isOffered(decision)).toBe(offered);
    });
  });

  describe('mayActNow', () => {
    it.each<[string, AvailabilityRequest, boolean]>([
      ['the initiator may withdraw', inReview(alice), true],
      ['an approver not assigned may do nothing', inReview(bob), false],
      ['the assignee may approve', inReview(bob, assigned('bob')), true],
      ['the assignee may approve without a step-up in this token', inReview(bob, assigned('carol', 'bob')), true],
      ['the initiator assigned still may not approve, but may withdraw', inReview(person('alice', ['approver']), assigned('alice')), true], // prettier-ignore
      ['a viewer may do nothing', inReview(victor, assigned('victor')), false],
      ['nobody acts on a terminal state', inReview(alice, { instance: { state: 'done', initiatorId: 'alice', assigneeIds: [] } }), false], // prettier-ignore
      ['a pool member may vote', inReview(bob, { definition: pool, instance: { state: 'open', initiatorId: 'alice', assigneeIds: [] } }), true], // prettier-ignore
      ['a pool member who voted in this visit may not', inReview(bob, { definition: pool, instance: { state: 'open', initiatorId: 'alice', assigneeIds: [] }, votes: { vote: ['bob'] } }), false], // prettier-ignore
    ])('%s', (_name, request, expected) => {
      expect(mayActNow(request)).toBe(expected);
    });
  });

  describe('assignableFor (who could be assigned, and for what)', () => {
    it.each<[string, AvailabilityRequest, EnginePrincipal, string[]]>([
      ['an approver, for the assignee-only step', inReview(alice), bob, ['approve']],
      ['an approver already assigned, the same', inReview(alice, assigned('bob')), bob, ['approve']],
      ['another approver beside an assignee', inReview(alice, assigned('bob')), carol, ['approve']],
      ['the initiator holding approver: kept out, and withdrawing needs no assignment', inReview(alice), person('alice', ['admin']), []], // prettier-ignore
      ['a requester: no step of theirs needs one', inReview(alice), person('rita', ['requester']), []],
      ['an auditor: no role for any step', inReview(alice), person('audrey', ['auditor']), []],
      ['nobody, in a terminal state', inReview(alice, { instance: { state: 'done', initiatorId: 'alice', assigneeIds: [] } }), bob, []], // prettier-ignore
      ['a pool member, for the vote', inReview(alice, { definition: pool, instance: { state: 'open', initiatorId: 'alice', assigneeIds: [] } }), bob, ['vote']], // prettier-ignore
      ['a pool member who voted already: nothing left to do', inReview(alice, { definition: pool, instance: { state: 'open', initiatorId: 'alice', assigneeIds: [] }, votes: { vote: ['bob'] } }), bob, []], // prettier-ignore
    ])('%s', (_name, request, candidate, transitions) => {
      expect(assignableFor(request, candidate)).toEqual(transitions);
    });

    it('assumes a step-up: it is a property of a sign-in, not of a person', () => {
      expect(assignableFor(inReview(alice), person('bob', ['approver'], false))).toEqual(['approve']);
    });
  });

  describe('mayClaim', () => {
    it.each<[string, AvailabilityRequest, boolean]>([
      ['an eligible approver, while nobody is assigned', inReview(bob), true],
      ['an eligible approver, once someone is', inReview(carol, assigned('bob')), false],
      ['the assignee themself (already theirs)', inReview(bob, assigned('bob')), false],
      ['the initiator', inReview(alice), false],
      ['a viewer', inReview(victor), false],
    ])('%s', (_name, request, expected) => {
      expect(mayClaim(request)).toBe(expected);
    });
  });

  describe('maySee', () => {
    const open = definitionOf({ ...review, visibility: 'authenticated' });
    it.each<[string, AvailabilityRequest, boolean, boolean]>([
      ['an admin', inReview(person('ada', ['admin']), assigned('bob')), false, true],
      ['an auditor', inReview(person('audrey', ['auditor']), assigned('bob')), false, true],
      ['the initiator', inReview(alice, assigned('bob')), false, true],
      ['a participant who can do nothing now', inReview(victor, assigned('bob')), true, true],
      ['the assignee', inReview(bob, assigned('bob')), false, true],
      ['an approver who may claim it', inReview(carol), false, true],
      ['an approver once someone else has it', inReview(carol, assigned('bob')), false, false],
      ['a viewer with no part in it', inReview(victor), false, false],
      ['a viewer, when the definition is open to everyone', inReview(victor, { definition: open }), false, true],
    ])('%s', (_name, request, participates, expected) => {
      expect(maySee(request, participates)).toBe(expected);
    });
  });

  /**
   * A triage queued to the approvers: `resolve` is for an assignee holding requester (lower than
   * the queue), `close` for any approver, `withdraw` for the initiator.
   */
  describe('a role queue (assignTo: role)', () => {
    const triage = definitionOf({
      key: 'triage',
      title: 'Triage',
      states: [
        { name: 'open', initial: true, assignTo: { role: 'approver' } },
        { name: 'done', terminal: true },
      ],
      transitions: [
        { name: 'resolve', from: 'open', to: 'done', role: 'requester', actor: 'assignee', separationOfDuties: { notInitiator: true } }, // prettier-ignore
        { name: 'withdraw', from: 'open', to: 'done', actor: 'initiator' },
      ],
    });
    const queued = (principal: EnginePrincipal, assigneeIds: string[] = []): AvailabilityRequest => ({
      definition: triage,
      instance: { state: 'open', initiatorId: 'alice', assigneeIds, assignedRole: 'approver' },
      actorsByTransition: {},
      votes: {},
      principal,
    });
    const rita = person('rita', ['requester']);
    const ada = person('ada', ['admin']);

    it.each<[string, AvailabilityRequest, EnginePrincipal, string[]]>([
      ['a holder of the role may be assigned', queued(alice), bob, ['resolve']],
      ['a role that implies it counts (admin)', queued(alice), ada, ['resolve']],
      ['a requester, who could resolve without the queue, may not', queued(alice), rita, []],
      ['an auditor may not', queued(alice), person('audrey', ['auditor']), []],
      ['the same requester, once the state is not queued', { ...queued(alice), instance: { state: 'open', initiatorId: 'alice', assigneeIds: [] } }, rita, ['resolve']], // prettier-ignore
    ])('assignableFor: %s', (_name, request, candidate, transitions) => {
      expect(assignableFor(request, candidate)).toEqual(transitions);
    });

    it.each<[string, AvailabilityRequest, boolean]>([
      ['waits for a holder of the role while nobody is assigned', queued(bob), true],
      ['and for a role that implies it', queued(ada), true],
      ['not for someone outside the role', queued(rita), false],
      ['not for a holder kept out by separation of duties', queued(person('alice', ['approver'])), true],
      ['not for the other holders once someone has it', queued(carol, ['bob']), false],
      ['for the one who has it', queued(bob, ['bob']), true],
      ['not for a viewer', queued(victor), false],
    ])('waitsFor: %s', (name, request, expected) => {
      // The initiator always may withdraw: that alone keeps alice's case true, whatever the queue.
      expect(waitsFor(request)).toBe(expected);
      if (name.startsWith('not for a holder kept out')) expect(mayClaim(request)).toBe(false);
    });

    it('lets only holders see it to claim it', () => {
      expect(maySee(queued(bob), false)).toBe(true);
      expect(maySee(queued(rita), false)).toBe(false);
    });

    it('is just mayActNow without a queue', () => {
      const plain = inReview(bob);
      expect(waitsFor(plain)).toBe(mayActNow(plain));
      expect(waitsFor(plain)).toBe(false);
    });
  });

  describe('seesEverything', () => {
    it.each<[EnginePrincipal['roles'], boolean]>([
      [['admin'], true],
      [['auditor'], true],
      [['viewer', 'auditor'], true],
      [['approver'], false],
      [['requester', 'viewer'], false],
      [[], false],
    ])('%j: %s', (roles, expected) => {
      expect(seesEverything({ roles })).toBe(expected);
    });
  });
});
