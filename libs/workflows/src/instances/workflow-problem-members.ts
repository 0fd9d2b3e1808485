import { ROLES } from '@flowgate/roles';
import { DEFINITION_LIMITS } from '../definition/workflow-definition';

/**
 * The problem members this library's refusals carry (transition and assignment refusals), for
 * the contract's problem schema (apps/api passes them to the OpenAPI builder).
 */
export const WORKFLOW_PROBLEM_MEMBERS = {
  state: {
    type: 'string',
    description: '`transition_not_allowed`, `not_eligible`: the state the instance is in.',
  },
  allowedTransitions: {
    type: 'array',
    items: { type: 'string' },
    description: '`transition_not_allowed`: the transitions leaving the current state (none once terminal).',
  },
  rule: {
    type: 'string',
    enum: ['notInitiator', 'notPreviousActorOf'],
    description: '`separation_of_duties`: the rule that refused you.',
  },
  previousTransition: {
    type: 'string',
    description: '`separation_of_duties` (`notPreviousActorOf`): the transition you took before.',
  },
  transition: {
    type: 'string',
    description:
      '`condition_not_met`: the transition whose condition does not hold; `invalid_data_change`: the transition whose `set` would leave the data invalid.',
  },
  condition: {
    type: 'string',
    description: '`condition_not_met`: the condition (`when`) as the definition states it; never the data it read.',
  },
  votes: {
    type: 'integer',
    minimum: 0,
    maximum: DEFINITION_LIMITS.maxQuorum,
    description: '`already_voted`: distinct votes so far.',
  },
  required: {
    type: 'integer',
    minimum: DEFINITION_LIMITS.minQuorum,
    maximum: DEFINITION_LIMITS.maxQuorum,
    description: '`already_voted`: the votes the transition needs.',
  },
  assigneeIds: {
    type: 'array',
    items: { type: 'string', format: 'uuid' },
    description: '`already_assigned`: who is assigned now.',
  },
  assignedRole: {
    type: 'string',
    enum: ROLES,
    description: '`not_eligible`: the role the state is queued to, which the person does not hold.',
  },
} as const;
