import { compiledSchemasOf } from '../definition/compiled-schemas';
import type { Decision, DecisionRequest } from './decision';
import { indexOf } from './definition-index';
import { judgeCondition } from './judge-condition';
import { judgeTransition } from './judge-transition';
import { payloadErrors } from './payload-errors';

/**
 * Judges one attempt to take a transition: `moved` (change the state), `voted` (record the vote
 * of a quorum short of its count) or a denial with a stable reason. Pure: the caller loads the
 * instance, its history and the votes, and writes whatever the verdict says.
 */
export function decide(request: DecisionRequest): Decision {
  const verdict = judgeTransition(request, request.transitionName);
  if (!verdict.allowed) return verdict;
  const validate = compiledSchemasOf(request.definition).inputs.get(request.transitionName);
  const errors = payloadErrors(validate, request.input, '/input');
  if (errors.length > 0) {
    return {
      allowed: false,
      reason: 'invalid_input',
      detail: `the input has ${errors.length} problem${errors.length === 1 ? '' : 's'}; see errors`,
      errors,
    };
  }
  const { definition, instance, principal } = request;
  const transition = indexOf(definition).transitions.get(request.transitionName)!;
  return judgeCondition(definition, instance, principal, transition, { value: request.input }) ?? verdict;
}
