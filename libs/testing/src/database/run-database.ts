import type { PinoLogger } from 'nestjs-pino';
import { DataSource, type DataSourceOptions, type EntityManager } from 'typeorm';
import { dataSourceOptions, loadConfigOverriding, TransactionRunner } from '@flowgate/core';

/** A unit of work a test holds open, to show what a second unit has to wait for. */
export interface OpenUnit {
  readonly manager: EntityManager;
  /** Its backend's process id, as `pg_blocking_pids` names it. */
  readonly pid: number;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/** Units of work on one data source: the runner repositories take, and units a test holds open. */
export interface UnitsOfWork {
  readonly transactions: TransactionRunner;
  /** Opens a unit of work of its own, held open until the test commits or rolls it back. */
  openUnit(): Promise<OpenUnit>;
  /**
   * Waits until `unit`'s statement is blocked by `holder`, as PostgreSQL itself reports it
   * (`pg_blocking_pids`, polled): proof that a lock makes the second unit wait, without sleeps.
   */
  waitUntilBlocked(unit: OpenUnit, holder: OpenUnit, timeoutMs?: number): Promise<void>;
  /** Rolls back the units a failed test left open (their connections would keep the pool from closing). */
  rollbackOpenUnits(): Promise<void>;
}

/**
 * The run's database (the one `npm test` created and migrated), for integration specs of
 * repositories. Specs share it and run in parallel: each creates its own rows with unique keys
 * (`./rows`) and asserts only on those.
 */
export interface RunDatabase extends UnitsOfWork {
  /** For setting up and asserting on rows; repositories get `transactions`. */
  readonly dataSource: DataSource;
  /** Rolls back any unit a failed test left open, and closes the pool. */
  close(): Promise<void>;
}

/** `entities`: those the repository under test reads through TypeORM's repositories, if any. */
export async function connectRunDatabase(
  label: string,
  entities: NonNullable<DataSourceOptions['entities']> = [],
): Promise<RunDatabase> {
  const config = loadConfigOverriding({});
  // Logging off: the constraint violations provoked by the specs are expected.
  const dataSource = new DataSource({ ...dataSourceOptions(config.database, label, []), entities, logging: false });
  await dataSource.initialize();
  const units = unitsOfWorkOn(dataSource);
  return {
    ...units,
    dataSource,
    async close() {
      await units.rollbackOpenUnits();
      await dataSource.destroy();
    },
  };
}

class RolledBack extends Error {}

export function unitsOfWorkOn(dataSource: DataSource): UnitsOfWork {
  const transactions = transactionRunnerOn(dataSource);
  const open = new Set<OpenUnit>();

  const openUnit = (): Promise<OpenUnit> =>
    new Promise<OpenUnit>((opened, failed) => {
      let end!: (outcome: 'commit' | 'rollback') => void;
      const ending = new Promise<'commit' | 'rollback'>((resolve) => (end = resolve));
      const ended = transactions
        .runAlone(async (manager) => {
          const [{ pid }] = await manager.query<{ pid: number }[]>('SELECT pg_backend_pid() AS pid');
          const unit: OpenUnit = {
            manager,
            pid,
            commit: () => (end('commit'), ended),
            rollback: () => (end('rollback'), ended),
          };
          open.add(unit);
          opened(unit);
          const outcome = await ending;
          open.delete(unit);
          if (outcome === 'rollback') throw new RolledBack();
        })
        .catch((error: unknown) => {
          if (!(error instanceof RolledBack)) throw error;
        });
      ended.catch(failed);
    });

  return {
    transactions,
    openUnit,
    async waitUntilBlocked(unit, holder, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [{ blockers }] = await dataSource.query<{ blockers: number[] }[]>(
          'SELECT pg_blocking_pids($1) AS blockers',
          [unit.pid],
        );
        if (blockers.includes(holder.pid)) return;
        if (Date.now() > deadline) {
          throw new Error(`backend ${unit.pid} was not blocked by ${holder.pid} within ${timeoutMs} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async rollbackOpenUnits() {
      await Promise.allSettled([...open].map((unit) => unit.rollback()));
    },
  };
}

/** A `TransactionRunner` on `dataSource` that logs nothing. */
export function transactionRunnerOn(dataSource: DataSource): TransactionRunner {
  const ignore = () => undefined;
  const logger = { setContext: ignore, error: ignore, warn: ignore, info: ignore } as unknown as PinoLogger;
  return new TransactionRunner(dataSource, logger);
}
