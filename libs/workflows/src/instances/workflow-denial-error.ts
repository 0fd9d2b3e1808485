import { AppError } from '@flowgate/core';
import { stepUpRequiredFor, type Principal } from '@flowgate/auth';
import type { Denial } from '../engine/decision';

/**
 * The HTTP meaning of each engine denial (DESIGN §3): 409 when the state does not allow it (with
 * the transitions that are possible), 403 for role, actor rule and separation of duties, 401 with
 * a challenge for step-up, 400 with pointers for the transition name or input.
 */
export function denialError(denial: Denial, principal: Principal): AppError {
  switch (denial.reason) {
    case 'unknown_transition':
      return new AppError('validation_failed', denial.detail, {
        errors: [{ pointer: '/body/name', code: 'unknown_transition', detail: denial.detail }],
      });
    case 'invalid_input':
      return new AppError('validation_failed', `The input has ${denial.errors.length} problem(s); see errors.`, {
        errors: denial.errors.map((error) => ({ ...error, pointer: `/body${error.pointer}` })),
      });
    case 'terminal_state':
      return new AppError('transition_not_allowed', denial.detail, {
        extensions: { state: denial.state, allowedTransitions: [] },
      });
    case 'not_from_current_state':
      return new AppError('transition_not_allowed', denial.detail, {
        extensions: { state: denial.state, allowedTransitions: denial.possibleTransitions },
      });
    case 'insufficient_role':
      return new AppError('insufficient_role', denial.detail, { extensions: { requiredRole: denial.requiredRole } });
    case 'initiator_only':
    case 'assignee_only':
      return new AppError(denial.reason, denial.detail);
    case 'step_up_required':
      // The engine only says so when the principal's verdict is unsatisfied.
      return principal.stepUp.satisfied
        ? new AppError('forbidden', denial.detail)
        : stepUpRequiredFor(principal, principal.stepUp);
    case 'separation_of_duties':
      return new AppError('separation_of_duties', denial.detail, {
        extensions:
          denial.rule === 'notInitiator'
            ? { rule: denial.rule }
            : { rule: denial.rule, previousTransition: denial.previousTransition },
      });
    case 'condition_not_met':
      return new AppError('condition_not_met', denial.detail, {
        extensions: { transition: denial.transition, condition: denial.condition },
      });
    case 'already_voted':
      return new AppError('already_voted', denial.detail, {
        extensions: { votes: denial.votes, required: denial.required },
      });
  }
}

/** Input mistakes are the client's to fix, not security decisions: they are not audited. */
export function isAuditedDenial(denial: Denial): boolean {
  return denial.reason !== 'unknown_transition' && denial.reason !== 'invalid_input';
}
