import type { Principal } from '../principal/principal';
import type { StepUpVerdict } from '../step-up/step-up';
import { stepUpRequiredFor } from './step-up-required';

const unsatisfied: Extract<StepUpVerdict, { satisfied: false }> = {
  satisfied: false,
  reason: 'no_strong_authentication',
  challenge: {
    format: 'rfc9470',
    wwwAuthenticate: 'Bearer error="insufficient_user_authentication"',
    acrValues: 'c 1',
  },
};

const principal = (via: Principal['via']): Principal => ({
  userId: 'u',
  tenantId: 't',
  objectId: 'o',
  displayName: undefined,
  email: undefined,
  status: 'active',
  roles: [],
  roleSources: [],
  stepUp: unsatisfied,
  tokenIssuedAt: new Date(0),
  tokenExpiresAt: new Date(0),
  via,
});

describe('stepUpRequiredFor', () => {
  it.each([
    ['a browser session', 'session' as const, '/auth/login?stepUp=c%201'],
    ['a bearer token', 'bearer' as const, undefined],
    ['a principal that does not say (bearer)', undefined, undefined],
  ])('%s: signInUrl %s', (_name, via, signInUrl) => {
    const error = stepUpRequiredFor(principal(via), unsatisfied);
    expect(error.code).toBe('step_up_required');
    expect(error.extensions.signInUrl).toBe(signInUrl);
    expect(error.headers['WWW-Authenticate']).toBe(unsatisfied.challenge.wwwAuthenticate);
  });
});
