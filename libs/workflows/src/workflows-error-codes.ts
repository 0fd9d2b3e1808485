import { defineErrorCodes, type ErrorCodesOf } from '@flowgate/core';

/**
 * Codes of the engine's verdicts and of authority at the instance (docs/workflows.md).
 * The composition root registers them (`registerErrorCodes`); the augmentation below lets
 * `new AppError('separation_of_duties', …)` type-check.
 */
export const WORKFLOWS_ERROR_CODES = defineErrorCodes({
  separation_of_duties: { status: 403, title: 'Separation of duties forbids you this step' },
  initiator_only: { status: 403, title: 'Only the person who started this workflow may take this step' },
  assignee_only: { status: 403, title: 'Only a person assigned to this workflow may do this' },
  transition_not_allowed: { status: 409, title: 'The transition is not allowed in the current state' },
  condition_not_met: { status: 409, title: "The transition's condition does not hold for this workflow" },
  invalid_data_change: { status: 409, title: "The transition would leave the workflow's data invalid" },
  already_voted: { status: 409, title: 'You have already voted for this transition' },
  not_eligible: { status: 409, title: 'The person may take no step of this workflow in its current state' },
  already_assigned: { status: 409, title: 'Someone is already assigned to this workflow' },
});

declare module '@flowgate/core' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends ErrorCodesOf<typeof WORKFLOWS_ERROR_CODES> {}
}
