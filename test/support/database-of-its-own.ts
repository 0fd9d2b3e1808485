import { API_MIGRATIONS } from '@flowgate/api';
import { createScratchDatabase } from '@flowgate/testing';

export interface DatabaseOfItsOwn {
  /** The settings that put an app, a worker or a worker process on it: `DATABASE_URL`. */
  readonly env: Readonly<Record<string, string>>;
  /** Drops it, whatever is still connected. */
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database for one spec file whose workers act on everything due in their
 * database. Jest runs two files at once on the run's shared database, and a worker there fires,
 * delivers or seals the other file's rows with its own settings, or holds back the audit sealer's
 * watermark with a long test transaction: the timer, webhook, anchor and worker-process specs
 * failed each other that way. Advisory locks and `SKIP LOCKED` claims are per database too, so a
 * database of its own isolates a file completely. Redis stays shared (its keys are per request).
 */
export async function databaseOfItsOwn(label: string): Promise<DatabaseOfItsOwn> {
  const scratch = await createScratchDatabase(label, API_MIGRATIONS);
  return { env: { DATABASE_URL: scratch.config.database.url! }, drop: () => scratch.drop() };
}
