import { validateDefinition } from '../definition/definition-validator';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import { decide } from './decide';
import type { Decision, DecisionRequest } from './decision';

function definitionOf(document: unknown): WorkflowDefinition {
  const result = validateDefinition(document);
  if (!result.valid) throw new Error(JSON.stringify(result.violations));
  return result.definition;
}

const expense = definitionOf({
  key: 'expense',
  title: 'Expense claim',
  states: [
    { name: 'draft', initial: true },
    { name: 'submitted' },
    { name: 'approved', terminal: true },
    { name: 'rejected', terminal: true },
  ],
  transitions: [
    {
      name: 'submit',
      from: 'draft',
      to: 'submitted',
      role: 'requester',
      input: {
        type: 'object',
        required: ['amount'],
        properties: { amount: { type: 'number', exclusiveMinimum: 0 }, note: { type: 'string', maxLength: 5 } },
        additionalProperties: false,
      },
    },
    { name: 'review', from: 'submitted', to: 'submitted', role: 'approver' },
    {
      name: 'approve',
      from: 'submitted',
      to: 'approved',
      role: 'approver',
      stepUp: true,
      separationOfDuties: { notInitiator: true, notPreviousActorOf: ['review'] },
      quorum: 3,
    },
    { name: 'reject', from: 'submitted', to: 'rejected', role: 'approver' },
    { name: 'withdraw', from: ['draft', 'submitted'], to: 'rejected', role: 'requester' },
    { name: 'amend', from: 'submitted', to: 'draft', role: 'requester', actor: 'initiator' },
    { name: 'sign_off', from: 'submitted', to: 'approved', role: 'approver', actor: 'assignee', stepUp: true, separationOfDuties: { notInitiator: true } }, // prettier-ignore
  ],
});

/** Bob, an approver with a fresh step-up, acting on Alice's submitted claim, unless told otherwise. */
function request(overrides: Partial<DecisionRequest> = {}): DecisionRequest {
  return {
    definition: expense,
    instance: { state: 'submitted', initiatorId: 'alice', assigneeIds: ['dave'] },
    actorsByTransition: {},
    votes: {},
    principal: { userId: 'bob', roles: ['approver'], stepUpSatisfied: true },
    transitionName: 'reject',
    input: undefined,
    ...overrides,
  };
}

const bobWith = (roles: DecisionRequest['principal']['roles'], stepUpSatisfied = true) => ({ userId: 'bob', roles, stepUpSatisfied }); // prettier-ignore
const inDraft = { state: 'draft', initiatorId: 'alice', assigneeIds: [] };
const assignedTo = (...assigneeIds: string[]) => ({ state: 'submitted', initiatorId: 'alice', assigneeIds });
const aliceInDraft = { userId: 'alice', roles: ['requester'] as const, stepUpSatisfied: false };

describe('decide', () => {
  describe('denials, one reason code each', () => {
    it.each<[string, Partial<DecisionRequest>, Partial<Decision>]>([
      ['a transition the definition lacks', { transitionName: 'approve_all' }, { reason: 'unknown_transition' }],
      ['a transition named like an Object.prototype member', { transitionName: 'constructor' }, { reason: 'unknown_transition' }], // prettier-ignore
      ['any transition from a terminal state', { instance: { state: 'approved', initiatorId: 'alice', assigneeIds: [] } }, { reason: 'terminal_state', state: 'approved' }], // prettier-ignore
      ['a transition not leaving the current state', { instance: inDraft, transitionName: 'approve' }, { reason: 'not_from_current_state', state: 'draft', possibleTransitions: ['submit', 'withdraw'] }], // prettier-ignore
      ['an instance in a state the definition lacks', { instance: { state: 'archived', initiatorId: 'alice', assigneeIds: [] } }, { reason: 'not_from_current_state', state: 'archived', possibleTransitions: [] }], // prettier-ignore
      ['a requester taking an approver transition', { principal: bobWith(['requester']) }, { reason: 'insufficient_role', requiredRole: 'approver' }], // prettier-ignore
      ['an auditor taking an approver transition', { principal: bobWith(['auditor']) }, { reason: 'insufficient_role', requiredRole: 'approver' }], // prettier-ignore
      ['someone with no roles', { principal: bobWith([]) }, { reason: 'insufficient_role', requiredRole: 'approver' }],
      ['no recent step-up', { transitionName: 'approve', principal: bobWith(['approver'], false) }, { reason: 'step_up_required' }], // prettier-ignore
      ['someone other than the initiator amending', { transitionName: 'amend', principal: bobWith(['admin']) }, { reason: 'initiator_only' }], // prettier-ignore
      ['someone not assigned signing off', { transitionName: 'sign_off' }, { reason: 'assignee_only' }], // prettier-ignore
      ['an assignee whose assignment ended signing off', { transitionName: 'sign_off', instance: assignedTo('carol') }, { reason: 'assignee_only' }], // prettier-ignore
      ['the initiator approving', { transitionName: 'approve', principal: { userId: 'alice', roles: ['admin'], stepUpSatisfied: true } }, { reason: 'separation_of_duties', rule: 'notInitiator' }], // prettier-ignore
      ['the reviewer approving', { transitionName: 'approve', actorsByTransition: { review: ['carol', 'bob'] } }, { reason: 'separation_of_duties', rule: 'notPreviousActorOf', previousTransition: 'review' }], // prettier-ignore
      ['a second vote by the same person', { transitionName: 'approve', votes: { approve: ['bob'] } }, { reason: 'already_voted', votes: 1, required: 3 }], // prettier-ignore
      ['input that breaks the schema', { instance: inDraft, transitionName: 'submit', principal: aliceInDraft, input: { amount: 0 } }, { reason: 'invalid_input' }], // prettier-ignore
      ['input for a transition that takes none', { input: { reason: 'too expensive' } }, { reason: 'invalid_input', errors: [{ pointer: '/input', code: 'unexpected_payload', detail: expect.any(String) }] }], // prettier-ignore
    ])('%s', (_name, overrides, expected) => {
      const decision = decide(request(overrides));
      expect(decision).toMatchObject({ allowed: false, ...expected });
      expect(decision).toHaveProperty('detail', expect.any(String));
    });

    it('lists every input error, each at a pointer under /input, coded by JSON Schema keyword', () => {
      const decision = decide(
        request({
          instance: inDraft,
          transitionName: 'submit',
          principal: aliceInDraft,
          input: { amount: -1, note: 'far too long', 'cost/centre': 7 },
        }),
      );
      expect(decision).toEqual({
        allowed: false,
        reason: 'invalid_input',
        detail: 'the input has 3 problems; see errors',
        errors: [
          {
            pointer: '/input/cost~1centre',
            code: 'additionalProperties',
            detail: 'must NOT have additional properties',
          },
          { pointer: '/input/amount', code: 'exclusiveMinimum', detail: 'must be > 0' },
          { pointer: '/input/note', code: 'maxLength', detail: 'must NOT have more than 5 characters' },
        ],
      });
    });

    it('points a missing property at the property itself', () => {
      const decision = decide(request({ instance: inDraft, transitionName: 'submit', principal: aliceInDraft, input: {} })); // prettier-ignore
      expect(decision).toMatchObject({ errors: [{ pointer: '/input/amount', code: 'required' }] });
    });

    it('reports input that is not an object at /input', () => {
      const decision = decide(request({ instance: inDraft, transitionName: 'submit', principal: aliceInDraft, input: 'ten' })); // prettier-ignore
      expect(decision).toMatchObject({ errors: [{ pointer: '/input', code: 'type' }] });
    });
  });

  it.each<[string, Partial<DecisionRequest>, string]>([
    ['terminal state before an unknown role', { instance: { state: 'rejected', initiatorId: 'bob', assigneeIds: [] }, principal: bobWith([], false) }, 'terminal_state'], // prettier-ignore
    ['from-state before role', { instance: inDraft, transitionName: 'approve', principal: bobWith([], false) }, 'not_from_current_state'], // prettier-ignore
    ['role before step-up', { transitionName: 'approve', principal: { userId: 'alice', roles: ['requester'], stepUpSatisfied: false } }, 'insufficient_role'], // prettier-ignore
    ['role before the actor rule', { transitionName: 'amend', principal: bobWith(['viewer']) }, 'insufficient_role'], // prettier-ignore
    ['the actor rule before separation of duties', { transitionName: 'sign_off', principal: { userId: 'alice', roles: ['approver'], stepUpSatisfied: true } }, 'assignee_only'], // prettier-ignore
    ['the actor rule before step-up', { transitionName: 'sign_off', principal: bobWith(['approver'], false) }, 'assignee_only'], // prettier-ignore
    ['separation of duties before step-up', { transitionName: 'approve', principal: { userId: 'alice', roles: ['approver'], stepUpSatisfied: false } }, 'separation_of_duties'], // prettier-ignore
    ['a repeated vote before step-up', { transitionName: 'approve', votes: { approve: ['bob'] }, principal: bobWith(['approver'], false) }, 'already_voted'], // prettier-ignore
    ['step-up before input', { transitionName: 'approve', principal: bobWith(['approver'], false), input: 'junk' }, 'step_up_required'], // prettier-ignore
    ['notInitiator before notPreviousActorOf', { transitionName: 'approve', principal: { userId: 'alice', roles: ['approver'], stepUpSatisfied: true }, actorsByTransition: { review: ['alice'] } }, 'separation_of_duties'], // prettier-ignore
    ['separation of duties before a repeated vote', { transitionName: 'approve', actorsByTransition: { review: ['bob'] }, votes: { approve: ['bob'] } }, 'separation_of_duties'], // prettier-ignore
    ['a repeated vote before input', { transitionName: 'approve', votes: { approve: ['bob'] }, input: 'junk' }, 'already_voted'], // prettier-ignore
  ])('checks %s', (_name, overrides, reason) => {
    expect(decide(request(overrides))).toMatchObject({ allowed: false, reason });
  });

  it('names the rule that failed when the initiator also reviewed', () => {
    const decision = decide(
      request({
        transitionName: 'approve',
        principal: { userId: 'alice', roles: ['approver'], stepUpSatisfied: true },
        actorsByTransition: { review: ['alice'] },
      }),
    );
    expect(decision).toMatchObject({ rule: 'notInitiator' });
  });

  describe('outcomes', () => {
    it.each<[string, Partial<DecisionRequest>, Decision]>([
      ['a valid submission moves', { instance: inDraft, transitionName: 'submit', principal: aliceInDraft, input: { amount: 12.5 } }, { allowed: true, outcome: 'moved', from: 'draft', to: 'submitted' }], // prettier-ignore
      ['a transition to the same state moves', { transitionName: 'review' }, { allowed: true, outcome: 'moved', from: 'submitted', to: 'submitted' }], // prettier-ignore
      ['an admin satisfies approver', { principal: bobWith(['admin']) }, { allowed: true, outcome: 'moved', from: 'submitted', to: 'rejected' }], // prettier-ignore
      ['no input schema and no input', { input: undefined }, { allowed: true, outcome: 'moved', from: 'submitted', to: 'rejected' }], // prettier-ignore
      ['no input schema and null', { input: null }, { allowed: true, outcome: 'moved', from: 'submitted', to: 'rejected' }], // prettier-ignore
      ['no input schema and an empty object', { input: {} }, { allowed: true, outcome: 'moved', from: 'submitted', to: 'rejected' }], // prettier-ignore
      ['the initiator amends their own request', { transitionName: 'amend', principal: { userId: 'alice', roles: ['requester'], stepUpSatisfied: false } }, { allowed: true, outcome: 'moved', from: 'submitted', to: 'draft' }], // prettier-ignore
      ['an assignee signs off', { transitionName: 'sign_off', instance: assignedTo('carol', 'bob') }, { allowed: true, outcome: 'moved', from: 'submitted', to: 'approved' }], // prettier-ignore
      ['the initiator may take a transition without the rule', { transitionName: 'withdraw', principal: { userId: 'alice', roles: ['requester'], stepUpSatisfied: false } }, { allowed: true, outcome: 'moved', from: 'submitted', to: 'rejected' }], // prettier-ignore
      ['a first vote of three is recorded', { transitionName: 'approve' }, { allowed: true, outcome: 'voted', votes: 1, required: 3 }], // prettier-ignore
      ['a second vote of three is recorded', { transitionName: 'approve', votes: { approve: ['carol'] } }, { allowed: true, outcome: 'voted', votes: 2, required: 3 }], // prettier-ignore
      ['a repeated id among the votes counts once', { transitionName: 'approve', votes: { approve: ['carol', 'carol'] } }, { allowed: true, outcome: 'voted', votes: 2, required: 3 }], // prettier-ignore
      ['the third distinct vote fires the transition', { transitionName: 'approve', votes: { approve: ['carol', 'dave'] } }, { allowed: true, outcome: 'moved', from: 'submitted', to: 'approved' }], // prettier-ignore
      ['votes for another transition do not count', { transitionName: 'approve', votes: { reject: ['carol', 'dave'] } }, { allowed: true, outcome: 'voted', votes: 1, required: 3 }], // prettier-ignore
      ['actors of an unrelated transition do not matter', { transitionName: 'approve', actorsByTransition: { reject: ['bob'], withdraw: ['bob'] } }, { allowed: true, outcome: 'voted', votes: 1, required: 3 }], // prettier-ignore
      ['history that is not a list is ignored', { transitionName: 'approve', actorsByTransition: { review: 'bob' as unknown as string[] } }, { allowed: true, outcome: 'voted', votes: 1, required: 3 }], // prettier-ignore
    ])('%s', (_name, overrides, expected) => {
      expect(decide(request(overrides))).toEqual(expected);
    });
  });

  describe('definitions that did not come from validateDefinition', () => {
    it('compiles their schemas on first use', () => {
      const stored = JSON.parse(JSON.stringify(expense)) as WorkflowDefinition;
      const submit = { instance: inDraft, transitionName: 'submit', principal: aliceInDraft };
      expect(decide(request({ definition: stored, ...submit, input: { amount: 1 } }))).toMatchObject({ allowed: true }); // prettier-ignore
      expect(decide(request({ definition: stored, ...submit, input: { amount: 0 } }))).toMatchObject({ reason: 'invalid_input' }); // prettier-ignore
    });

    it('throws on a schema that does not compile, since such a definition was never validated', () => {
      const broken = {
        ...expense,
        transitions: expense.transitions.map((t) => (t.name === 'submit' ? { ...t, input: { type: 'objekt' } } : t)),
      } as WorkflowDefinition;
      const submit = { instance: inDraft, transitionName: 'submit', principal: aliceInDraft, input: {} };
      expect(() => decide(request({ definition: broken, ...submit }))).toThrow();
    });
  });
});
