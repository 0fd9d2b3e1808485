import type { RateLimitPolicy } from '../traffic.config';

/** Where one policy stands for this request's tracker after counting the request. */
export interface RateLimitState {
  readonly policy: RateLimitPolicy;
  readonly remaining: number;
  /** Seconds until the window restarts (and `remaining` returns to the policy's quota). */
  readonly resetSeconds: number;
}

/**
 * The IETF `RateLimit-Policy` field (draft-ietf-httpapi-ratelimit-headers): one structured-field
 * list item per applied policy, `"name";q=<quota>;w=<window seconds>`.
 */
export function rateLimitPolicyField(states: readonly RateLimitState[]): string {
  return states.map(({ policy }) => `"${policy.name}";q=${policy.limit};w=${policy.windowSeconds}`).join(', ');
}

/** The IETF `RateLimit` field: `"name";r=<remaining>;t=<seconds to reset>` per applied policy. */
export function rateLimitField(states: readonly RateLimitState[]): string {
  return states.map((state) => `"${state.policy.name}";r=${state.remaining};t=${state.resetSeconds}`).join(', ');
}
