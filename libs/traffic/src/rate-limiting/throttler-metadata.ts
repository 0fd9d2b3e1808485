/**
 * The metadata keys `@Throttle()` and `@SkipThrottle()` write, suffixed with the throttler's
 * name. `@nestjs/throttler` keeps them in `dist/throttler.constants` and does not export them
 * from its package entry, so they are spelled here rather than imported from a deep path;
 * `throttler-metadata.spec.ts` applies the library's own decorators and fails if they move.
 */
export const THROTTLE_LIMIT_KEY = 'THROTTLER:LIMIT';
export const THROTTLE_TTL_KEY = 'THROTTLER:TTL';
export const SKIP_THROTTLE_KEY = 'THROTTLER:SKIP';
