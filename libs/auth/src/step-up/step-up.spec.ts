import type { IssuerKind } from '../verification/trusted-issuer';
import { evaluateStepUp, StepUpClaims, stepUpClaimsOf, StepUpReason, StepUpVerdict } from './step-up';
import { StepUpPolicy } from './step-up-policy';

const NOW = 1_700_000_000;
const C1: StepUpPolicy = { acrs: 'c1' };
const C1_300: StepUpPolicy = { acrs: 'c1', maxAgeSeconds: 300 };
const C1_0: StepUpPolicy = { acrs: 'c1', maxAgeSeconds: 0 };

/** What Microsoft's claims-challenge page shows for auth context c1, byte for byte. */
const C1_CLAIMS = 'eyJhY2Nlc3NfdG9rZW4iOnsiYWNycyI6eyJlc3NlbnRpYWwiOnRydWUsInZhbHVlIjoiYzEifX19';
const COMMON_AUTHORIZE = 'https://login.microsoftonline.com/common/oauth2/authorize';

function outcome(verdict: StepUpVerdict): 'satisfied' | StepUpReason {
  return verdict.satisfied ? 'satisfied' : verdict.reason;
}

describe('evaluateStepUp: whether the authentication is strong and recent enough', () => {
  it.each<[string, StepUpClaims, StepUpPolicy, 'satisfied' | StepUpReason]>([
    // acrs (v2 tokens)
    ['acrs with the auth context', { acrs: ['c1'] }, C1, 'satisfied'],
    ['acrs with it among others', { acrs: ['c3', 'c1'] }, C1, 'satisfied'],
    ['acrs with another auth context only', { acrs: ['c2'] }, C1, 'no_strong_authentication'],
    ['acrs empty', { acrs: [] }, C1, 'no_strong_authentication'],
    ['acrs in another case', { acrs: ['C1'] }, C1, 'no_strong_authentication'],
    ['acrs as a string, not an array', { acrs: 'c1' }, C1, 'no_strong_authentication'],
    ['acrs holding a nested array', { acrs: [['c1']] }, C1, 'no_strong_authentication'],
    ['acrs holding a number', { acrs: [1] }, { acrs: '1' }, 'no_strong_authentication'],
    ['acrs as an object', { acrs: { 0: 'c1', length: 1 } }, C1, 'no_strong_authentication'],
    ['acrs null', { acrs: null }, C1, 'no_strong_authentication'],
    // acr (the standard claim, RFC 9470): one string, equal to the auth context
    ['acr equal to the auth context', { acr: 'c1' }, C1, 'satisfied'],
    ['acr of another auth context', { acr: 'c2' }, C1, 'no_strong_authentication'],
    ['acr in another case', { acr: 'C1' }, C1, 'no_strong_authentication'],
    ['acr with it among others in one string', { acr: 'c1 c2' }, C1, 'no_strong_authentication'],
    ['acr with surrounding space', { acr: ' c1' }, C1, 'no_strong_authentication'],
    ['acr as an array', { acr: ['c1'] }, C1, 'no_strong_authentication'],
    ['acr as a number', { acr: 1 }, { acrs: '1' }, 'no_strong_authentication'],
    ['acr empty', { acr: '' }, C1, 'no_strong_authentication'],
    ['acr null', { acr: null }, C1, 'no_strong_authentication'],
    ['acr wrong but acrs right', { acr: 'c2', acrs: ['c1'] }, C1, 'satisfied'],
    ['acr right but acrs wrong', { acr: 'c1', acrs: ['c2'] }, C1, 'satisfied'],
    ['acr of a URI policy', { acr: 'urn:example:loa:mfa' }, { acrs: 'urn:example:loa:mfa' }, 'satisfied'],
    // amr (v1 tokens)
    ['amr with mfa', { amr: ['pwd', 'mfa'] }, C1, 'satisfied'],
    ['amr with a password only', { amr: ['pwd'] }, C1, 'no_strong_authentication'],
    ['amr as the string mfa', { amr: 'mfa' }, C1, 'no_strong_authentication'],
    ['amr of numbers', { amr: [1, 2] }, C1, 'no_strong_authentication'],
    ['amr with MFA in capitals', { amr: ['MFA'] }, C1, 'no_strong_authentication'],
    ['acrs wrong but amr with mfa', { acrs: ['c2'], amr: ['mfa'] }, C1, 'satisfied'],
    ['no claims at all', {}, C1, 'no_strong_authentication'],
    // auth_time without a max age is not looked at
    ['no max age, an ancient auth_time', { acrs: ['c1'], auth_time: 0 }, C1, 'satisfied'],
    ['no max age, auth_time as a string', { acrs: ['c1'], auth_time: 'yesterday' }, C1, 'satisfied'],
    ['no max age, no auth_time', { acrs: ['c1'] }, C1, 'satisfied'],
    // with a max age
    ['max age 300, authenticated just now', { acrs: ['c1'], auth_time: NOW }, C1_300, 'satisfied'],
    ['max age 300, exactly 300 s ago', { acrs: ['c1'], auth_time: NOW - 300 }, C1_300, 'satisfied'],
    ['max age 300, 301 s ago', { acrs: ['c1'], auth_time: NOW - 301 }, C1_300, 'authentication_too_old'],
    ['max age 300, amr mfa 10 s ago', { amr: ['mfa'], auth_time: NOW - 10 }, C1_300, 'satisfied'],
    ['max age 300, amr mfa an hour ago', { amr: ['mfa'], auth_time: NOW - 3600 }, C1_300, 'authentication_too_old'],
    ['max age 300, auth_time a little ahead (clock skew)', { acrs: ['c1'], auth_time: NOW + 30 }, C1_300, 'satisfied'],
    ['max age 300, no auth_time', { acrs: ['c1'] }, C1_300, 'authentication_too_old'],
    ['max age 300, auth_time as a string', { acrs: ['c1'], auth_time: String(NOW) }, C1_300, 'authentication_too_old'],
    ['max age 300, auth_time null', { acrs: ['c1'], auth_time: null }, C1_300, 'authentication_too_old'],
    ['max age 300, auth_time NaN', { acrs: ['c1'], auth_time: NaN }, C1_300, 'authentication_too_old'],
    ['max age 300, auth_time -Infinity', { acrs: ['c1'], auth_time: -Infinity }, C1_300, 'authentication_too_old'],
    ['max age 300, auth_time in an array', { acrs: ['c1'], auth_time: [NOW] }, C1_300, 'authentication_too_old'],
    ['max age 300, acr 10 s ago', { acr: 'c1', auth_time: NOW - 10 }, C1_300, 'satisfied'],
    ['max age 300, acr 301 s ago', { acr: 'c1', auth_time: NOW - 301 }, C1_300, 'authentication_too_old'],
    ['max age 300, acr without auth_time', { acr: 'c1' }, C1_300, 'authentication_too_old'],
    ['max age 0, authenticated this second', { acrs: ['c1'], auth_time: NOW }, C1_0, 'satisfied'],
    ['max age 0, one second ago', { acrs: ['c1'], auth_time: NOW - 1 }, C1_0, 'authentication_too_old'],
    // both wrong: the weaker authentication is what the client has to fix first
    ['not strong and too old', { acrs: ['c2'], auth_time: NOW - 3600 }, C1_300, 'no_strong_authentication'],
    ['not strong and no auth_time', { amr: ['pwd'] }, C1_300, 'no_strong_authentication'],
    ['strong for another context, recent', { acrs: ['c1'], auth_time: NOW }, { acrs: 'c2', maxAgeSeconds: 300 }, 'no_strong_authentication'], // prettier-ignore
  ])('%s: %s', (_name, claims, policy, expected) => {
    expect(outcome(evaluateStepUp(claims, policy, NOW))).toBe(expected);
  });

  it('returns only { satisfied: true } when satisfied', () => {
    expect(evaluateStepUp({ acrs: ['c1'] }, C1, NOW)).toEqual({ satisfied: true });
  });
});

describe('stepUpClaimsOf: what step-up may read of a token, given its issuer', () => {
  const claims = { acr: '1', acrs: ['c1'], amr: ['pwd', 'mfa'], auth_time: NOW, xms_cc: ['cp1'], oid: 'x' };

  it.each<[IssuerKind, StepUpClaims]>([
    ['oidc', { acr: '1', acrs: ['c1'], amr: ['pwd', 'mfa'], auth_time: NOW, xms_cc: ['cp1'] }],
    ['entra-v2', { acr: '1', acrs: ['c1'], amr: ['pwd', 'mfa'], auth_time: NOW, xms_cc: ['cp1'] }],
    ['development', { acr: '1', acrs: ['c1'], amr: ['pwd', 'mfa'], auth_time: NOW, xms_cc: ['cp1'] }],
    // Entra v1's acr is "0"/"1" (ISO/IEC 29115 level met or not), never an authentication context.
    ['entra-v1', { acrs: ['c1'], amr: ['pwd', 'mfa'], auth_time: NOW, xms_cc: ['cp1'] }],
  ])('%s tokens', (kind, expected) => {
    expect(stepUpClaimsOf(kind, claims)).toEqual(expected);
  });

  it.each<[IssuerKind, 'satisfied' | StepUpReason]>([
    ['oidc', 'satisfied'],
    ['entra-v1', 'no_strong_authentication'],
  ])('with the policy "1", an acr of "1" from %s: %s', (kind, expected) => {
    const verdict = evaluateStepUp(stepUpClaimsOf(kind, { acr: '1', amr: ['pwd'] }), { acrs: '1' }, NOW);
    expect(outcome(verdict)).toBe(expected);
  });
});

describe('evaluateStepUp: which challenge format', () => {
  it.each<[string, unknown, 'entra_claims_challenge' | 'rfc9470']>([
    ['xms_cc with cp1', ['cp1'], 'entra_claims_challenge'],
    ['xms_cc with cp1 among others', ['cp2', 'cp1'], 'entra_claims_challenge'],
    ['no xms_cc', undefined, 'rfc9470'],
    ['xms_cc empty', [], 'rfc9470'],
    ['xms_cc without cp1', ['cp2'], 'rfc9470'],
    ['xms_cc as the string cp1', 'cp1', 'rfc9470'],
    ['xms_cc with CP1 in capitals', ['CP1'], 'rfc9470'],
    ['xms_cc of numbers', [1], 'rfc9470'],
    ['xms_cc null', null, 'rfc9470'],
  ])('%s: %s', (_name, xmsCc, expected) => {
    const verdict = evaluateStepUp({ xms_cc: xmsCc }, C1, NOW);
    expect(verdict.satisfied ? undefined : verdict.challenge.format).toBe(expected);
  });
});

describe('evaluateStepUp: challenges are built once per policy', () => {
  it('answers the same challenge again for the same policy, reason and format, and another for any other', () => {
    const challengeOf = (claims: StepUpClaims, policy: StepUpPolicy) => {
      const verdict = evaluateStepUp(claims, policy, NOW);
      if (verdict.satisfied) throw new Error('expected a challenge');
      return verdict.challenge;
    };
    const policy: StepUpPolicy = { acrs: 'c7', maxAgeSeconds: 60 };
    const first = challengeOf({}, policy);
    expect(challengeOf({ amr: ['pwd'] }, policy)).toBe(first);
    const tooOld = challengeOf({ acrs: ['c7'], auth_time: NOW - 61 }, policy);
    const entra = challengeOf({ xms_cc: ['cp1'] }, policy);
    expect(new Set([first, tooOld, entra, challengeOf({ xms_cc: ['cp1'] }, C1)]).size).toBe(4);
    expect(tooOld.wwwAuthenticate).toContain('more recent authentication');
    expect(entra.format).toBe('entra_claims_challenge');
    // An equal but distinct policy (another route's declaration) gets its own, equal challenge.
    const twin = challengeOf({}, { ...policy });
    expect(twin).not.toBe(first);
    expect(twin).toEqual(first);
  });
});

describe('evaluateStepUp: the challenge, exactly', () => {
  it.each<[string, StepUpClaims, StepUpPolicy, StepUpVerdict]>([
    [
      'RFC 9470, not strong, no max age',
      { amr: ['pwd'] },
      C1,
      {
        satisfied: false,
        reason: 'no_strong_authentication',
        challenge: {
          format: 'rfc9470',
          wwwAuthenticate:
            'Bearer error="insufficient_user_authentication", error_description="This operation requires a stronger authentication", acr_values="c1"',
          acrValues: 'c1',
        },
      },
    ],
    [
      'RFC 9470, not strong, with a max age',
      {},
      C1_300,
      {
        satisfied: false,
        reason: 'no_strong_authentication',
        challenge: {
          format: 'rfc9470',
          wwwAuthenticate:
            'Bearer error="insufficient_user_authentication", error_description="This operation requires a stronger authentication", acr_values="c1", max_age=300',
          acrValues: 'c1',
          maxAge: 300,
        },
      },
    ],
    [
      'RFC 9470, too old',
      { acrs: ['c1'], auth_time: NOW - 301 },
      C1_300,
      {
        satisfied: false,
        reason: 'authentication_too_old',
        challenge: {
          format: 'rfc9470',
          wwwAuthenticate:
            'Bearer error="insufficient_user_authentication", error_description="This operation requires a more recent authentication", acr_values="c1", max_age=300',
          acrValues: 'c1',
          maxAge: 300,
        },
      },
    ],
    [
      'RFC 9470, max age 0',
      { acrs: ['c1'] },
      C1_0,
      {
        satisfied: false,
        reason: 'authentication_too_old',
        challenge: {
          format: 'rfc9470',
          wwwAuthenticate:
            'Bearer error="insufficient_user_authentication", error_description="This operation requires a more recent authentication", acr_values="c1", max_age=0',
          acrValues: 'c1',
          maxAge: 0,
        },
      },
    ],
    [
      'Entra claims challenge, not strong, no max age',
      { acrs: ['c2'], xms_cc: ['cp1'] },
      C1,
      {
        satisfied: false,
        reason: 'no_strong_authentication',
        challenge: {
          format: 'entra_claims_challenge',
          wwwAuthenticate: `Bearer realm="", authorization_uri="${COMMON_AUTHORIZE}", error="insufficient_claims", error_description="This operation requires a stronger authentication", claims="${C1_CLAIMS}"`,
          claims: C1_CLAIMS,
          acrValues: 'c1',
        },
      },
    ],
    [
      'Entra claims challenge, too old: max_age stays out of the header but is in the facts',
      { acrs: ['c2'], auth_time: NOW - 301, xms_cc: ['cp1'] },
      { acrs: 'c2', maxAgeSeconds: 300 },
      {
        satisfied: false,
        reason: 'authentication_too_old',
        challenge: {
          format: 'entra_claims_challenge',
          wwwAuthenticate: `Bearer realm="", authorization_uri="${COMMON_AUTHORIZE}", error="insufficient_claims", error_description="This operation requires a more recent authentication", claims="eyJhY2Nlc3NfdG9rZW4iOnsiYWNycyI6eyJlc3NlbnRpYWwiOnRydWUsInZhbHVlIjoiYzIifX19"`,
          claims: 'eyJhY2Nlc3NfdG9rZW4iOnsiYWNycyI6eyJlc3NlbnRpYWwiOnRydWUsInZhbHVlIjoiYzIifX19',
          acrValues: 'c2',
          maxAge: 300,
        },
      },
    ],
    [
      'Entra claims challenge with a configured authorize endpoint',
      { xms_cc: ['cp1'] },
      { acrs: 'c1', authorizationUri: 'https://login.microsoftonline.us/common/oauth2/authorize' },
      {
        satisfied: false,
        reason: 'no_strong_authentication',
        challenge: {
          format: 'entra_claims_challenge',
          wwwAuthenticate: `Bearer realm="", authorization_uri="https://login.microsoftonline.us/common/oauth2/authorize", error="insufficient_claims", error_description="This operation requires a stronger authentication", claims="${C1_CLAIMS}"`,
          claims: C1_CLAIMS,
          acrValues: 'c1',
        },
      },
    ],
  ])('%s', (_name, claims, policy, expected) => {
    expect(evaluateStepUp(claims, policy, NOW)).toStrictEqual(expected);
  });

  it.each<[string, string]>([
    ['c1', '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}'],
    ['c2', '{"access_token":{"acrs":{"essential":true,"value":"c2"}}}'],
    ['c99', '{"access_token":{"acrs":{"essential":true,"value":"c99"}}}'],
  ])('the claims for %s are standard base64 of exactly %s', (acrs, json) => {
    const verdict = evaluateStepUp({ xms_cc: ['cp1'] }, { acrs }, NOW);
    if (verdict.satisfied) throw new Error('expected a challenge');
    const { claims, wwwAuthenticate } = verdict.challenge;
    expect(claims).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(claims!, 'base64').toString('utf8')).toBe(json);
    expect(wwwAuthenticate).toContain(`claims="${claims}"`);
  });

  it.each<[string, StepUpClaims, StepUpPolicy]>([
    ['RFC 9470 without a max age', {}, C1],
    ['RFC 9470 with a max age', {}, C1_300],
    ['Entra without a max age', { xms_cc: ['cp1'] }, C1],
    ['Entra with a max age', { xms_cc: ['cp1'] }, C1_300],
  ])('the %s challenge is plain JSON data with no undefined members', (_name, claims, policy) => {
    const verdict = evaluateStepUp(claims, policy, NOW);
    if (verdict.satisfied) throw new Error('expected a challenge');
    expect(JSON.parse(JSON.stringify(verdict))).toStrictEqual(verdict);
  });
});
