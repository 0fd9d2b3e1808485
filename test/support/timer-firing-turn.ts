import type { DataSource } from 'typeorm';

/** How long a file may wait for another to finish its turn (jest's hook timeout, for its beforeAll). */
export const TIMER_FIRING_TURN_TIMEOUT_MS = 180_000;

/**
 * A worker fires every due timer in the database, whichever test made it: two test files running
 * workers at once (jest runs files side by side on one database) would fire each other's timers
 * and count wrong. Files that run a worker take turns under this session-level advisory lock,
 * held from their beforeAll to their afterAll; the rest of the suite is unaffected (no other file
 * arms a timer that comes due during a run). Resolves with the release.
 */
export async function takeTimerFiringTurn(db: DataSource): Promise<() => Promise<void>> {
  const session = db.createQueryRunner();
  await session.connect();
  await session.query(`SELECT pg_advisory_lock(hashtext('flowgate-tests:timer-firing'))`);
  return async () => {
    await session.query(`SELECT pg_advisory_unlock(hashtext('flowgate-tests:timer-firing'))`).catch(() => undefined);
    await session.release();
  };
}
