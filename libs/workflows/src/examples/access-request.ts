import type { WorkflowDefinitionDocument } from '../definition/workflow-definition';

/**
 * An access request: someone asks for access to a resource, an approver grants it with a fresh
 * strong authentication, and an admin provisions it. Nobody approves their own request, and the
 * provisioner is never the approver, so granting access always takes two other people. Only the
 * requester withdraws it. Approvers work as a pool: any of them may approve, or claim a request
 * to show it is being looked at. When the request names the resource's owner (`ownerId`), the
 * request is assigned to them on arrival (`assignTo`), so it waits in their inbox first.
 */
export const ACCESS_REQUEST_DEFINITION = {
  key: 'access-request',
  title: 'Access request',
  description: 'Approval with step-up, then provisioning by someone other than the approver.',
  dataSchema: {
    type: 'object',
    required: ['resource', 'accessLevel', 'justification'],
    properties: {
      resource: { type: 'string', minLength: 1, maxLength: 200 },
      accessLevel: { enum: ['read', 'write', 'admin'] },
      justification: { type: 'string', minLength: 10, maxLength: 2000 },
      until: { type: 'string', format: 'date' },
      ownerId: { type: 'string', format: 'uuid' },
    },
    additionalProperties: false,
  },
  states: [
    { name: 'requested', title: 'Awaiting approval', initial: true, assignTo: { data: '/ownerId' } },
    { name: 'approved', title: 'Approved, awaiting provisioning' },
    { name: 'provisioned', title: 'Provisioned', terminal: true },
    { name: 'rejected', title: 'Rejected', terminal: true },
    { name: 'withdrawn', title: 'Withdrawn', terminal: true },
    { name: 'expired', title: 'Expired', terminal: true },
  ],
  transitions: [
    {
      name: 'approve',
      title: 'Approve',
      from: 'requested',
      to: 'approved',
      role: 'approver',
      stepUp: true,
      separationOfDuties: { notInitiator: true },
      input: {
        type: 'object',
        properties: { comment: { type: 'string', maxLength: 2000 } },
        additionalProperties: false,
      },
    },
    {
      name: 'reject',
      title: 'Reject',
      from: ['requested', 'approved'],
      to: 'rejected',
      role: 'approver',
      separationOfDuties: { notInitiator: true },
      input: {
        type: 'object',
        required: ['reason'],
        properties: { reason: { type: 'string', minLength: 1, maxLength: 2000 } },
        additionalProperties: false,
      },
    },
    {
      name: 'provision',
      title: 'Provision',
      from: 'approved',
      to: 'provisioned',
      role: 'admin',
      stepUp: true,
      separationOfDuties: { notInitiator: true, notPreviousActorOf: ['approve'] },
      input: {
        type: 'object',
        required: ['ticket'],
        properties: { ticket: { type: 'string', minLength: 1, maxLength: 100 } },
        additionalProperties: false,
      },
    },
    {
      name: 'withdraw',
      title: 'Withdraw',
      from: ['requested', 'approved'],
      to: 'withdrawn',
      role: 'requester',
      actor: 'initiator',
    },
    {
      name: 'expire',
      title: 'Expired without approval',
      from: 'requested',
      to: 'expired',
      // The worker takes it when the timer runs out; the role keeps people other than admins off it.
      role: 'admin',
      timer: 'P14D',
    },
  ],
} as const satisfies WorkflowDefinitionDocument;
