import { validateDefinition } from '../definition/definition-validator';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import { assignableFor } from '../authority/instance-authority';
import { assignmentOnEntry } from '../engine/assignment-on-entry';
import { decide } from '../engine/decide';
import type { DecisionRequest, EnginePrincipal } from '../engine/decision';
import { ACCESS_REQUEST_DEFINITION } from './access-request';
import { PURCHASE_APPROVAL_THRESHOLD, PURCHASE_REQUEST_DEFINITION } from './purchase-request';

function definitionOf(document: unknown): WorkflowDefinition {
  const result = validateDefinition(document);
  if (!result.valid) throw new Error(JSON.stringify(result.violations));
  return result.definition;
}

const alice: EnginePrincipal = { userId: 'alice', roles: ['requester'], stepUpSatisfied: false };
const manager: EnginePrincipal = { userId: 'mona', roles: ['approver'], stepUpSatisfied: false };
const finance = (userId: string): EnginePrincipal => ({ userId, roles: ['approver'], stepUpSatisfied: true });
const admin = (userId: string): EnginePrincipal => ({ userId, roles: ['admin'], stepUpSatisfied: true });

describe('example definitions', () => {
  it.each([
    ['purchase-request', PURCHASE_REQUEST_DEFINITION],
    ['access-request', ACCESS_REQUEST_DEFINITION],
  ])('%s passes the validator', (_key, document) => {
    expect(validateDefinition(document)).toMatchObject({ valid: true });
  });

  describe('purchase request', () => {
    const purchase = definitionOf(PURCHASE_REQUEST_DEFINITION);
    const selfAssigned = { state: 'submitted', initiatorId: 'alice', assigneeIds: ['alice'], data: { amount: 5 } };
    const requested = (amount: number) => ({ instance: { state: 'submitted', initiatorId: 'alice', assigneeIds: ['mona'], data: { amount } } }); // prettier-ignore
    const attempt = (state: string, overrides: Partial<DecisionRequest>) =>
      decide({
        definition: purchase,
        // Mona is the manager assigned to it.
        instance: { state, initiatorId: 'alice', assigneeIds: ['mona'], data: { amount: 5 } },
        actorsByTransition: {},
        votes: {},
        principal: alice,
        transitionName: 'submit',
        input: undefined,
        ...overrides,
      });

    it.each<[string, string, Partial<DecisionRequest>, object]>([
      ['the requester submits', 'draft', {}, { outcome: 'moved', to: 'submitted' }],
      ['nobody else submits it, whatever their roles', 'draft', { principal: admin('bob') }, { reason: 'initiator_only' }], // prettier-ignore
      ['an approver not assigned to it cannot approve as manager', 'submitted', { principal: finance('otto'), transitionName: 'manager_approve', input: { approvedAmount: 5 } }, { reason: 'assignee_only' }], // prettier-ignore
      ['an approver not assigned to it cannot reject at the manager step', 'submitted', { principal: finance('otto'), transitionName: 'reject', input: { reason: 'no' } }, { reason: 'assignee_only' }], // prettier-ignore
      ['the manager approves an amount at the threshold', 'submitted', { ...requested(PURCHASE_APPROVAL_THRESHOLD), principal: manager, transitionName: 'manager_approve', input: { approvedAmount: PURCHASE_APPROVAL_THRESHOLD } }, { outcome: 'moved', to: 'finance_review' }], // prettier-ignore
      ['the manager cannot send a larger request to one finance approver', 'submitted', { ...requested(PURCHASE_APPROVAL_THRESHOLD + 1), principal: manager, transitionName: 'manager_approve', input: { approvedAmount: PURCHASE_APPROVAL_THRESHOLD + 1 } }, { reason: 'condition_not_met', transition: 'manager_approve' }], // prettier-ignore
      ['nor by stating a lower approved amount', 'submitted', { ...requested(PURCHASE_APPROVAL_THRESHOLD * 3), principal: manager, transitionName: 'manager_approve', input: { approvedAmount: 100 } }, { reason: 'condition_not_met' }], // prettier-ignore
      ['the manager cannot approve more than was requested', 'submitted', { ...requested(100), principal: manager, transitionName: 'manager_approve', input: { approvedAmount: 101 } }, { reason: 'condition_not_met' }], // prettier-ignore
      ['the manager escalates a larger request', 'submitted', { ...requested(PURCHASE_APPROVAL_THRESHOLD + 1), principal: manager, transitionName: 'escalate', input: { approvedAmount: PURCHASE_APPROVAL_THRESHOLD + 1 } }, { outcome: 'moved', to: 'finance_quorum_review' }], // prettier-ignore
      ['the manager cannot escalate a request at the threshold', 'submitted', { ...requested(PURCHASE_APPROVAL_THRESHOLD), principal: manager, transitionName: 'escalate', input: { approvedAmount: PURCHASE_APPROVAL_THRESHOLD } }, { reason: 'condition_not_met', transition: 'escalate' }], // prettier-ignore
      ['the requester cannot approve their own request, even assigned', 'submitted', { principal: { ...alice, roles: ['approver'] }, instance: selfAssigned, transitionName: 'manager_approve', input: { approvedAmount: 5 } }, { reason: 'separation_of_duties', rule: 'notInitiator' }], // prettier-ignore
      ['the manager cannot also give the finance approval', 'finance_review', { principal: finance('mona'), transitionName: 'finance_approve', actorsByTransition: { manager_approve: ['mona'] } }, { reason: 'separation_of_duties', rule: 'notPreviousActorOf' }], // prettier-ignore
      ['finance approval needs step-up', 'finance_review', { principal: manager, transitionName: 'finance_approve', actorsByTransition: { manager_approve: ['someone'] } }, { reason: 'step_up_required' }], // prettier-ignore
      ['whoever escalated cannot vote in the finance quorum', 'finance_quorum_review', { principal: finance('mona'), transitionName: 'finance_quorum_approve', actorsByTransition: { escalate: ['mona'] } }, { reason: 'separation_of_duties', rule: 'notPreviousActorOf', previousTransition: 'escalate' }], // prettier-ignore
      ['a finance quorum vote needs step-up', 'finance_quorum_review', { principal: manager, transitionName: 'finance_quorum_approve' }, { reason: 'step_up_required' }], // prettier-ignore
      ['the requester cannot escalate their own request, even assigned', 'submitted', { principal: { ...alice, roles: ['approver'] }, instance: selfAssigned, transitionName: 'escalate', input: { approvedAmount: 5 } }, { reason: 'separation_of_duties', rule: 'notInitiator' }], // prettier-ignore
      ['one finance approver of two records a vote', 'finance_quorum_review', { principal: finance('fred'), transitionName: 'finance_quorum_approve' }, { outcome: 'voted', votes: 1, required: 2 }], // prettier-ignore
      ['a second, different finance approver approves', 'finance_quorum_review', { principal: finance('fran'), transitionName: 'finance_quorum_approve', votes: { finance_quorum_approve: ['fred'] } }, { outcome: 'moved', to: 'approved' }], // prettier-ignore
      ['the first finance approver cannot vote again', 'finance_quorum_review', { principal: finance('fred'), transitionName: 'finance_quorum_approve', votes: { finance_quorum_approve: ['fred'] } }, { reason: 'already_voted' }], // prettier-ignore
      ['any finance approver rejects at the finance step', 'finance_review', { principal: finance('fred'), transitionName: 'finance_reject', input: { reason: 'over budget' } }, { outcome: 'moved', to: 'rejected' }], // prettier-ignore
      ['a rejection needs a reason', 'finance_review', { principal: finance('fred'), transitionName: 'finance_reject', input: {} }, { reason: 'invalid_input' }], // prettier-ignore
      ['the requester cancels a pending request', 'finance_review', { transitionName: 'cancel' }, { outcome: 'moved', to: 'cancelled' }], // prettier-ignore
      ['nobody else cancels it', 'submitted', { principal: { ...finance('otto'), roles: ['requester'] }, transitionName: 'cancel' }, { reason: 'initiator_only' }], // prettier-ignore
      ['nobody cancels an approved request', 'approved', { transitionName: 'cancel' }, { reason: 'terminal_state' }],
    ])('%s', (_name, state, overrides, expected) => {
      expect(attempt(state, overrides)).toMatchObject(expected);
    });
  });

  describe('purchase request: the finance queue', () => {
    const purchase = definitionOf(PURCHASE_REQUEST_DEFINITION);
    const inFinance = (state: string) => ({
      definition: purchase,
      instance: {
        state,
        initiatorId: 'alice',
        assigneeIds: [],
        assignedRole: 'approver' as const,
        data: { amount: 5 },
      },
      actorsByTransition: { manager_approve: ['mona'] },
      votes: {},
      principal: alice,
    });

    it.each(['finance_review', 'finance_quorum_review'])('queues %s to the approvers on entry', (state) => {
      expect(assignmentOnEntry(purchase, state, { initiatorId: 'alice', data: { amount: 5 } })).toEqual({
        role: 'approver',
      });
    });

    it.each<[string, EnginePrincipal, number]>([
      ['an approver may be assigned', finance('fred'), 2],
      ['an admin too (admin implies approver)', admin('ada'), 2],
      ['a requester may not', { ...alice, userId: 'rita' }, 0],
    ])('%s', (_name, person, transitions) => {
      expect(assignableFor(inFinance('finance_review'), person)).toHaveLength(transitions);
    });
  });

  describe('access request', () => {
    const access = definitionOf(ACCESS_REQUEST_DEFINITION);
    const attempt = (state: string, overrides: Partial<DecisionRequest>) =>
      decide({
        definition: access,
        instance: { state, initiatorId: 'alice', assigneeIds: [] },
        actorsByTransition: {},
        votes: {},
        principal: admin('bob'),
        transitionName: 'approve',
        input: {},
        ...overrides,
      });

    it.each<[string, string, Partial<DecisionRequest>, object]>([
      ['an approver with step-up approves', 'requested', {}, { outcome: 'moved', to: 'approved' }],
      ['approval needs step-up', 'requested', { principal: { ...admin('bob'), stepUpSatisfied: false } }, { reason: 'step_up_required' }], // prettier-ignore
      ['nobody approves their own request', 'requested', { principal: admin('alice') }, { reason: 'separation_of_duties', rule: 'notInitiator' }], // prettier-ignore
      ['the approver cannot provision', 'approved', { transitionName: 'provision', actorsByTransition: { approve: ['bob'] }, input: { ticket: 'CHG-1' } }, { reason: 'separation_of_duties', rule: 'notPreviousActorOf', previousTransition: 'approve' }], // prettier-ignore
      ['another admin provisions', 'approved', { principal: admin('carol'), transitionName: 'provision', actorsByTransition: { approve: ['bob'] }, input: { ticket: 'CHG-1' } }, { outcome: 'moved', to: 'provisioned' }], // prettier-ignore
      ['nobody provisions their own request', 'approved', { principal: admin('alice'), transitionName: 'provision', actorsByTransition: { approve: ['bob'] }, input: { ticket: 'CHG-1' } }, { reason: 'separation_of_duties', rule: 'notInitiator' }], // prettier-ignore
      ['provisioning needs step-up', 'approved', { principal: { ...admin('carol'), stepUpSatisfied: false }, transitionName: 'provision', actorsByTransition: { approve: ['bob'] }, input: { ticket: 'CHG-1' } }, { reason: 'step_up_required' }], // prettier-ignore
      ['an approver who is not an admin cannot provision', 'approved', { principal: finance('carol'), transitionName: 'provision', input: { ticket: 'CHG-1' } }, { reason: 'insufficient_role', requiredRole: 'admin' }], // prettier-ignore
      ['only admins (the worker) take the expiry', 'requested', { principal: alice, transitionName: 'expire' }, { reason: 'insufficient_role' }], // prettier-ignore
      ['the requester withdraws', 'approved', { principal: alice, transitionName: 'withdraw', input: undefined }, { outcome: 'moved', to: 'withdrawn' }], // prettier-ignore
      ['nobody else withdraws it', 'requested', { transitionName: 'withdraw', input: undefined }, { reason: 'initiator_only' }], // prettier-ignore
    ])('%s', (_name, state, overrides, expected) => {
      expect(attempt(state, overrides)).toMatchObject(expected);
    });
  });
});
