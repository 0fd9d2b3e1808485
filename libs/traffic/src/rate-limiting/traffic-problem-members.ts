import { RATE_LIMIT_POLICY_NAMES } from '../traffic.config';

/** The problem member a 429 carries, for the contract's problem schema. */
export const TRAFFIC_PROBLEM_MEMBERS = {
  policy: {
    type: 'string',
    enum: [...RATE_LIMIT_POLICY_NAMES],
    description: '`too_many_requests`: the rate-limit policy whose budget is used up.',
  },
} as const;
