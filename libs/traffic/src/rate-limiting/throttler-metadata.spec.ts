import { SkipThrottle, Throttle } from '@nestjs/throttler';
import { SKIP_THROTTLE_KEY, THROTTLE_LIMIT_KEY, THROTTLE_TTL_KEY } from './throttler-metadata';

/** The guard reads route budgets by these keys; the library's own decorators are the source of truth. */
describe('throttler metadata keys', () => {
  @Throttle({ sensitive: { limit: 3, ttl: 60_000 } })
  @SkipThrottle({ anonymous: true })
  class Decorated {}

  it.each<[string, string, unknown]>([
    ['@Throttle() limit', `${THROTTLE_LIMIT_KEY}sensitive`, 3],
    ['@Throttle() ttl', `${THROTTLE_TTL_KEY}sensitive`, 60_000],
    ['@SkipThrottle()', `${SKIP_THROTTLE_KEY}anonymous`, true],
  ])('%s is stored under the key the guard reads', (_what, key, expected) => {
    expect(Reflect.getMetadata(key, Decorated)).toBe(expected);
  });
});
