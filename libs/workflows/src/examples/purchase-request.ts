import type { WorkflowDefinitionDocument } from '../definition/workflow-definition';

/**
 * A purchase request: the requester drafts and submits it, the manager assigned to it (an admin
 * assigns them, or an approver claims it) approves it, then finance does — any finance approver up
 * to the threshold, two distinct ones above it.
 *
 * Only the requester submits or cancels their own request (`actor: initiator`); only the assigned
 * manager approves, escalates, rejects or sends it back at the manager step (`actor: assignee`).
 * Finance is a pool: any approver other than the requester and the approving manager. Its two
 * states are queued to the approvers' role on entry (`assignTo: {"role": "approver"}`), so only an
 * approver may claim a request or be assigned to it there, and it shows as the approvers' queue.
 *
 * Which finance path a request takes rests on the requested amount itself (`when` on
 * `data.amount`), not on anything the manager states: `manager_approve` holds only up to the
 * threshold and `escalate` only above it, whatever input is sent. The manager still states the
 * amount they approve (`approvedAmount`), which may not exceed the amount requested; the approving
 * transition records it in the request's data (`set`), and the requested amount itself is
 * read-only once submitted: no transition changes it.
 */
export const PURCHASE_APPROVAL_THRESHOLD = 10_000;

const approvedAmount = {
  type: 'object',
  required: ['approvedAmount'],
  properties: {
    approvedAmount: { type: 'number', exclusiveMinimum: 0 },
    comment: { type: 'string', maxLength: 2000 },
  },
  additionalProperties: false,
} as const;

const rejection = {
  type: 'object',
  required: ['reason'],
  properties: { reason: { type: 'string', minLength: 1, maxLength: 2000 } },
  additionalProperties: false,
} as const;

export const PURCHASE_REQUEST_DEFINITION = {
  key: 'purchase-request',
  title: 'Purchase request',
  description: `Manager approval, then finance approval; two finance approvers above ${PURCHASE_APPROVAL_THRESHOLD}.`,
  dataSchema: {
    type: 'object',
    required: ['amount', 'currency', 'description'],
    properties: {
      amount: { type: 'number', exclusiveMinimum: 0 },
      currency: { type: 'string', pattern: '^[A-Z]{3}$' },
      description: { type: 'string', minLength: 1, maxLength: 2000 },
      supplier: { type: 'string', maxLength: 200 },
      // Written by the manager's approval, never by the requester (it is not in the start's data).
      approvedAmount: { type: 'number', exclusiveMinimum: 0 },
    },
    additionalProperties: false,
  },
  readOnly: ['/amount'],
  states: [
    { name: 'draft', title: 'Draft', initial: true },
    { name: 'submitted', title: 'Awaiting manager approval' },
    { name: 'finance_review', title: 'Awaiting finance approval', assignTo: { role: 'approver' } },
    { name: 'finance_quorum_review', title: 'Awaiting two finance approvals', assignTo: { role: 'approver' } },
    { name: 'approved', title: 'Approved', terminal: true },
    { name: 'rejected', title: 'Rejected', terminal: true },
    { name: 'cancelled', title: 'Cancelled', terminal: true },
  ],
  transitions: [
    {
      name: 'submit',
      title: 'Submit for approval',
      from: 'draft',
      to: 'submitted',
      role: 'requester',
      actor: 'initiator',
    },
    {
      name: 'return_to_draft',
      title: 'Send back for changes',
      from: 'submitted',
      to: 'draft',
      role: 'approver',
      actor: 'assignee',
      separationOfDuties: { notInitiator: true },
      input: rejection,
    },
    {
      name: 'manager_approve',
      title: 'Approve (manager)',
      from: 'submitted',
      to: 'finance_review',
      role: 'approver',
      actor: 'assignee',
      separationOfDuties: { notInitiator: true },
      input: approvedAmount,
      when: `data.amount <= ${PURCHASE_APPROVAL_THRESHOLD}.0 && input.approvedAmount <= data.amount`,
      set: { '/approvedAmount': 'input.approvedAmount' },
    },
    {
      name: 'escalate',
      title: 'Approve (manager) and escalate to two finance approvers',
      from: 'submitted',
      to: 'finance_quorum_review',
      role: 'approver',
      actor: 'assignee',
      separationOfDuties: { notInitiator: true },
      input: approvedAmount,
      when: `data.amount > ${PURCHASE_APPROVAL_THRESHOLD}.0 && input.approvedAmount <= data.amount`,
      set: { '/approvedAmount': 'input.approvedAmount' },
    },
    {
      name: 'finance_approve',
      title: 'Approve (finance)',
      from: 'finance_review',
      to: 'approved',
      role: 'approver',
      stepUp: true,
      separationOfDuties: { notInitiator: true, notPreviousActorOf: ['manager_approve'] },
    },
    {
      name: 'finance_quorum_approve',
      title: 'Approve (finance, one of two)',
      from: 'finance_quorum_review',
      to: 'approved',
      role: 'approver',
      stepUp: true,
      separationOfDuties: { notInitiator: true, notPreviousActorOf: ['escalate'] },
      quorum: 2,
    },
    {
      name: 'reject',
      title: 'Reject (manager)',
      from: 'submitted',
      to: 'rejected',
      role: 'approver',
      actor: 'assignee',
      separationOfDuties: { notInitiator: true },
      input: rejection,
    },
    {
      name: 'finance_reject',
      title: 'Reject (finance)',
      from: ['finance_review', 'finance_quorum_review'],
      to: 'rejected',
      role: 'approver',
      separationOfDuties: { notInitiator: true },
      input: rejection,
    },
    {
      name: 'cancel',
      title: 'Cancel',
      from: ['draft', 'submitted', 'finance_review', 'finance_quorum_review'],
      to: 'cancelled',
      role: 'requester',
      actor: 'initiator',
    },
    {
      name: 'abandon',
      title: 'Abandoned draft',
      from: 'draft',
      to: 'cancelled',
      // The worker takes it when the timer runs out; the role keeps people other than admins off it.
      role: 'admin',
      timer: 'P30D',
    },
  ],
} as const satisfies WorkflowDefinitionDocument;
