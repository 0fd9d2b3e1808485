/**
 * What a sensitive operation demands of the authentication behind a token. Plain data, so a route
 * or a workflow transition can declare it and configuration can supply its values.
 */
export interface StepUpPolicy {
  /** Entra Conditional Access authentication context id (`c1` to `c99`), sent as `acr_values` too. */
  readonly acrs: string;
  /** How long ago the user may have authenticated, in seconds; unset means any time. */
  readonly maxAgeSeconds?: number;
  /** Where an Entra claims challenge sends the client to authenticate; defaults to the common endpoint. */
  readonly authorizationUri?: string;
}

/**
 * Microsoft documents `authorization_uri` as required in a claims challenge, and the common
 * endpoint as the one to name when `realm` is empty. Sovereign clouds have their own host.
 */
export const DEFAULT_ENTRA_AUTHORIZATION_URI = 'https://login.microsoftonline.com/common/oauth2/authorize';

// `acr_values` is a space-separated list (RFC 9470 §3), so one value must not contain a space.
const ACR_VALUE = /^[\x21-\x7e]+$/;

/** What is wrong with a policy, one line per problem; configuration loading refuses any. */
export function stepUpPolicyProblems(policy: StepUpPolicy): string[] {
  const problems: string[] = [];
  if (!ACR_VALUE.test(policy.acrs)) {
    problems.push(`acrs "${policy.acrs}" must be one non-empty value of visible ASCII characters, e.g. c1`);
  }
  const { maxAgeSeconds, authorizationUri } = policy;
  if (maxAgeSeconds !== undefined && (!Number.isSafeInteger(maxAgeSeconds) || maxAgeSeconds < 0)) {
    problems.push(`maxAgeSeconds ${maxAgeSeconds} must be a whole number of seconds, 0 or more`);
  }
  if (authorizationUri !== undefined && !isHttpsUrl(authorizationUri)) {
    problems.push(`authorizationUri "${authorizationUri}" must be an https URL`);
  }
  return problems;
}

// A loopback http endpoint is a local test or development issuer (RFC 8252 §8.3 treats loopback alike).
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  } catch {
    return false;
  }
}
