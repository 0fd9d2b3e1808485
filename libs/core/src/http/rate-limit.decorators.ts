import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const EXEMPT_FROM_RATE_LIMITS = 'flowgate:exempt-from-rate-limits';
export const SENSITIVE_RATE_LIMIT = 'flowgate:sensitive-rate-limit';

// Declared in core, like @Public(), because core's and the auth library's own endpoints need them;
// the traffic library's guard reads the metadata and the OpenAPI builder the extensions.

/**
 * Opts a route or controller out of rate limiting: probes and metrics scrapes come from the
 * platform, often and from few addresses, and must never be refused for it.
 */
export function ExemptFromRateLimits() {
  return applyDecorators(SetMetadata(EXEMPT_FROM_RATE_LIMITS, true), ApiExtension('x-rate-limit-exempt', true));
}

/**
 * Adds the stricter `sensitive` budget (RATE_LIMIT_SENSITIVE) to a route, on top of the caller's
 * general one: changes to access, token issuing. One budget shared by every sensitive route.
 */
export function SensitiveRateLimit() {
  return applyDecorators(SetMetadata(SENSITIVE_RATE_LIMIT, true), ApiExtension('x-rate-limit-policies', ['sensitive']));
}
