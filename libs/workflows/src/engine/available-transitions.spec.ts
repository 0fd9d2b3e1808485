import { validateDefinition } from '../definition/definition-validator';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import { ACCESS_REQUEST_DEFINITION } from '../examples/access-request';
import { availableTransitions } from './available-transitions';
import type { AvailabilityRequest } from './decision';

function definitionOf(document: unknown): WorkflowDefinition {
  const result = validateDefinition(document);
  if (!result.valid) throw new Error(JSON.stringify(result.violations));
  return result.definition;
}

const access = definitionOf(ACCESS_REQUEST_DEFINITION);

function request(overrides: Partial<AvailabilityRequest> = {}): AvailabilityRequest {
  return {
    definition: access,
    instance: { state: 'requested', initiatorId: 'alice', assigneeIds: [] },
    actorsByTransition: {},
    votes: {},
    principal: { userId: 'bob', roles: ['approver'], stepUpSatisfied: false },
    ...overrides,
  };
}

describe('availableTransitions', () => {
  it('lists every transition leaving the state, in definition order, with what this principal may do', () => {
    expect(availableTransitions(request())).toEqual([
      {
        name: 'approve',
        title: 'Approve',
        to: 'approved',
        decision: { allowed: false, reason: 'step_up_required', detail: expect.any(String) },
      },
      {
        name: 'reject',
        title: 'Reject',
        to: 'rejected',
        // Allowed although `reject` requires a reason: input is not checked here.
        decision: { allowed: true, outcome: 'moved', from: 'requested', to: 'rejected' },
      },
      {
        name: 'withdraw',
        title: 'Withdraw',
        to: 'withdrawn',
        // Bob holds the requester role (approver implies it), but the request is Alice's.
        decision: { allowed: false, reason: 'initiator_only', detail: expect.any(String) },
      },
      {
        name: 'expire',
        title: 'Expired without approval',
        to: 'expired',
        decision: { allowed: false, reason: 'insufficient_role', requiredRole: 'admin', detail: expect.any(String) },
      },
    ]);
  });

  it('explains separation of duties to the initiator', () => {
    const principal = { userId: 'alice', roles: ['admin'] as const, stepUpSatisfied: true };
    const decisions = availableTransitions(request({ principal })).map(({ name, decision }) => [name, decision.allowed ? decision.outcome : decision.reason]); // prettier-ignore
    expect(decisions).toEqual([
      ['approve', 'separation_of_duties'],
      ['reject', 'separation_of_duties'],
      ['withdraw', 'moved'],
      ['expire', 'moved'],
    ]);
  });

  it('keeps the approver off provisioning', () => {
    const approved = request({
      instance: { state: 'approved', initiatorId: 'alice', assigneeIds: [] },
      principal: { userId: 'bob', roles: ['admin'], stepUpSatisfied: true },
      actorsByTransition: { approve: ['bob'] },
    });
    expect(
      availableTransitions(approved).find((transition) => transition.name === 'provision')?.decision,
    ).toMatchObject({
      allowed: false,
      reason: 'separation_of_duties',
      rule: 'notPreviousActorOf',
      previousTransition: 'approve',
    });
  });

  it.each([
    ['a terminal state', 'provisioned'],
    ['a state the definition lacks', 'archived'],
    ['a state named like an Object.prototype member', 'constructor'],
  ])('lists nothing in %s', (_name, state) => {
    expect(availableTransitions(request({ instance: { state, initiatorId: 'alice', assigneeIds: [] } }))).toEqual([]);
  });

  it('shows a pending quorum as a vote', () => {
    const quorum = definitionOf({
      key: 'sign-off',
      title: 'Sign-off',
      states: [
        { name: 'open', initial: true },
        { name: 'signed', terminal: true },
      ],
      transitions: [{ name: 'sign', from: 'open', to: 'signed', quorum: 2 }],
    });
    const open = request({ definition: quorum, instance: { state: 'open', initiatorId: 'alice', assigneeIds: [] } });
    expect(availableTransitions(open)).toEqual([
      { name: 'sign', to: 'signed', decision: { allowed: true, outcome: 'voted', votes: 1, required: 2 } },
    ]);
  });
});
