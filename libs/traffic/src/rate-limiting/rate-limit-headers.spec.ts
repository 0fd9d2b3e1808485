import { rateLimitField, rateLimitPolicyField, RateLimitState } from './rate-limit-headers';

describe('IETF RateLimit fields', () => {
  const states: RateLimitState[] = [
    { policy: { name: 'principal', limit: 600, windowSeconds: 60 }, remaining: 598, resetSeconds: 41 },
    { policy: { name: 'sensitive', limit: 30, windowSeconds: 60 }, remaining: 0, resetSeconds: 7 },
  ];

  it('lists every applied policy with its quota and window', () => {
    expect(rateLimitPolicyField(states)).toBe('"principal";q=600;w=60, "sensitive";q=30;w=60');
  });

  it('lists what remains of each and when it resets', () => {
    expect(rateLimitField(states)).toBe('"principal";r=598;t=41, "sensitive";r=0;t=7');
  });
});
