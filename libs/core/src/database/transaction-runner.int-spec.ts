import { randomUUID } from 'node:crypto';
import type { PinoLogger } from 'nestjs-pino';
import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { loadConfigOverriding } from '../config/load-config';
import { AppError } from '../errors/app-error';
import { dataSourceOptions } from './data-source-options';
import { TransactionRunner } from './transaction-runner';

describe('TransactionRunner (real PostgreSQL)', () => {
  let dataSource: DataSource;
  let runner: TransactionRunner;
  const table = `tx_probe_${randomUUID().replace(/-/g, '')}`;

  beforeAll(async () => {
    const config = loadConfigOverriding({ DATABASE_STATEMENT_TIMEOUT_MS: '300' });
    // logging off: the failures provoked here are expected, not worth printing.
    dataSource = new DataSource({ ...dataSourceOptions(config.database, 'flowgate-tx-spec', []), logging: false });
    await dataSource.initialize();
    await dataSource.query(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
    runner = new TransactionRunner(dataSource, silentLogger());
  });

  afterAll(async () => {
    await dataSource.query(`DROP TABLE IF EXISTS ${table}`);
    await dataSource.destroy();
  });

  const count = async () => Number((await dataSource.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
  /** The probe rows with ids from `from` to `to`, in order. */
  const ids = async (from: number, to: number) => {
    const rows = await dataSource.query<{ id: number }[]>(
      `SELECT id FROM ${table} WHERE id BETWEEN $1 AND $2 ORDER BY id`,
      [from, to],
    );
    return rows.map((row) => row.id);
  };

  it('commits every write of the unit of work together', async () => {
    await runner.run(async (manager) => {
      await manager.query(`INSERT INTO ${table} VALUES (1)`);
      await manager.query(`INSERT INTO ${table} VALUES (2)`);
    });
    expect(await count()).toBe(2);
  });

  it('rolls back every write when the work throws half-way', async () => {
    const before = await count();
    await expect(
      runner.run(async (manager) => {
        await manager.query(`INSERT INTO ${table} VALUES (10)`);
        throw new Error('boom after the first write');
      }),
    ).rejects.toThrow('boom');
    expect(await count()).toBe(before);
  });

  it('rolls back when the database rejects a later statement', async () => {
    const before = await count();
    await expect(
      runner.run(async (manager) => {
        await manager.query(`INSERT INTO ${table} VALUES (20)`);
        await manager.query(`INSERT INTO ${table} VALUES (20)`); // duplicate key
      }),
    ).rejects.toMatchObject({ driverError: { code: '23505' } });
    expect(await count()).toBe(before);
  });

  it('runs at the requested isolation level', async () => {
    const level = await runner.run(async (manager) => {
      const [row] = await manager.query<{ transaction_isolation: string }[]>('SHOW transaction_isolation');
      return row?.transaction_isolation;
    }, 'SERIALIZABLE');
    expect(level).toBe('serializable');
  });

  it('joins the unit of work already open: an inner run rolls back with the outer one', async () => {
    const before = await count();
    await expect(
      runner.run(async (manager) => {
        await manager.query(`INSERT INTO ${table} VALUES (30)`);
        await runner.run((inner) => inner.query(`INSERT INTO ${table} VALUES (31)`));
        throw new Error('outer fails after the inner work');
      }),
    ).rejects.toThrow('outer fails');
    expect(await count()).toBe(before);
  });

  describe('joining an open unit of work with an isolation level', () => {
    const levelIn = (manager: EntityManager) =>
      manager
        .query<{ transaction_isolation: string }[]>('SHOW transaction_isolation')
        .then(([row]) => row?.transaction_isolation);

    it('joins when the inner work asks for the level the unit was opened at', async () => {
      const levels = await runner.run(async (outer) => {
        const inner = await runner.run(levelIn, 'REPEATABLE READ');
        return { outer: await levelIn(outer), inner };
      }, 'REPEATABLE READ');
      expect(levels).toEqual({ outer: 'repeatable read', inner: 'repeatable read' });
    });

    it('joins when the inner work asks for no level, whatever the unit was opened at', async () => {
      const before = await count();
      await runner.run(async () => {
        expect(await runner.run(levelIn)).toBe('serializable');
        await runner.run((inner) => inner.query(`INSERT INTO ${table} VALUES (35)`));
      }, 'SERIALIZABLE');
      expect(await count()).toBe(before + 1);
    });

    it.each([
      ['a different level', 'READ COMMITTED' as const, 'SERIALIZABLE' as const, 'READ COMMITTED'],
      ['a level, in a unit opened at the default', undefined, 'SERIALIZABLE' as const, "the database's default level"],
    ])(
      'refuses to join when the inner work asks for %s: a plain Error, and nothing commits',
      async (_, outer, inner, opened) => {
        const before = await count();
        const joining = runner.run(async (manager) => {
          await manager.query(`INSERT INTO ${table} VALUES (36)`);
          await runner.run((joined) => joined.query(`INSERT INTO ${table} VALUES (37)`), inner);
        }, outer);
        const error: unknown = await joining.catch((thrown: unknown) => thrown);
        expect(error).toBeInstanceOf(Error);
        // A programming error, not a problem for the client: not an AppError with a code and status.
        expect(error).not.toBeInstanceOf(AppError);
        expect((error as Error).message).toBe(
          `run() asked for ${inner} isolation inside a unit of work opened at ${opened}: ` +
            "a joined unit keeps its opener's level. Open the outer unit of work at the level the inner work needs.",
        );
        expect(await count()).toBe(before);
      },
    );
  });

  it('keeps runAlone work when the unit of work around it rolls back', async () => {
    const before = await count();
    await expect(
      runner.run(async (manager) => {
        await manager.query(`INSERT INTO ${table} VALUES (40)`);
        await runner.runAlone((alone) => alone.query(`INSERT INTO ${table} VALUES (41)`));
        throw new Error('outer fails');
      }),
    ).rejects.toThrow('outer fails');
    expect(await count()).toBe(before + 1);
  });

  it('runs after-commit steps once the outermost unit commits, never after a rollback', async () => {
    const seen: string[] = [];
    await runner.run(async (manager) => {
      await runner.run(async () => runner.afterCommit(() => void seen.push(`inner saw ${seen.length}`)));
      await manager.query(`INSERT INTO ${table} VALUES (50)`);
      seen.push('work done');
    });
    expect(seen).toEqual(['work done', 'inner saw 1']);
    await expect(
      runner.run(async () => {
        runner.afterCommit(() => void seen.push('must not run'));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(seen).toHaveLength(2);
    expect(() => runner.afterCommit(() => undefined)).toThrow('outside a unit of work');
  });

  describe('attempt: work under a savepoint inside the open unit of work', () => {
    it('undoes a failed attempt’s writes and after-commit steps; the unit goes on and commits the rest', async () => {
      const seen: string[] = [];
      const outcome = await runner.run(async (manager) => {
        await manager.query(`INSERT INTO ${table} VALUES (90)`);
        await expect(
          runner.attempt(async (inner) => {
            await inner.query(`INSERT INTO ${table} VALUES (91)`);
            runner.afterCommit(() => void seen.push('failed attempt'));
            await inner.query(`INSERT INTO ${table} VALUES (90)`); // duplicate key: the transaction would be aborted
          }),
        ).rejects.toMatchObject({ driverError: { code: '23505' } });
        // Usable again: the failure is recorded in the same transaction.
        await manager.query(`INSERT INTO ${table} VALUES (92)`);
        runner.afterCommit(() => void seen.push('unit'));
        return 'recorded';
      });
      expect(outcome).toBe('recorded');
      expect(await ids(90, 99)).toEqual([90, 92]);
      expect(seen).toEqual(['unit']);
    });

    it('keeps a successful attempt’s writes and after-commit steps, and they roll back with the unit', async () => {
      const seen: string[] = [];
      await runner.run(async (manager) => {
        await runner.attempt(async () => {
          await manager.query(`INSERT INTO ${table} VALUES (100)`);
          runner.afterCommit(() => void seen.push('attempt'));
        });
      });
      expect(await ids(100, 109)).toEqual([100]);
      expect(seen).toEqual(['attempt']);

      await expect(
        runner.run(async (manager) => {
          await runner.attempt(async () => {
            await manager.query(`INSERT INTO ${table} VALUES (101)`);
            runner.afterCommit(() => void seen.push('must not run'));
          });
          throw new Error('the unit fails after the attempt');
        }),
      ).rejects.toThrow('the unit fails');
      expect(await ids(100, 109)).toEqual([100]);
      expect(seen).toEqual(['attempt']);
    });

    it('refuses to run outside a unit of work', async () => {
      await expect(runner.attempt(async () => 'never')).rejects.toThrow('outside a unit of work');
    });
  });

  /**
   * The round trips of the unit of work `work` runs in, each as the statements it carried (the
   * pg client's `query` calls on the unit's connection; other connections' are left out).
   */
  async function roundTripsOf<T>(
    work: (manager: EntityManager) => Promise<T>,
    isolation?: 'SERIALIZABLE',
  ): Promise<{ result: T; roundTrips: string[][] }> {
    const calls: { client: unknown; statements: string[] }[] = [];
    const prototype = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const send = prototype.query;
    const query = jest.spyOn(prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
      const [config] = args as [string | { text: string; statements?: { text: string }[] }];
      const texts =
        typeof config === 'string' ? [config] : (config.statements?.map((each) => each.text) ?? [config.text]);
      calls.push({ client: this, statements: texts.map((text) => text.replace(/\s+/g, ' ').trim()) });
      return send.apply(this, args);
    });
    try {
      const result = await runner.run(work, isolation);
      const unit = calls.find((call) => call.statements[0] === 'START TRANSACTION')?.client;
      return { result, roundTrips: calls.filter((call) => call.client === unit).map((call) => call.statements) };
    } finally {
      query.mockRestore();
    }
  }

  describe('round trips: the opening and held writes ride along with the next statement', () => {
    it('opens the transaction with its first statement, in one round trip', async () => {
      const { result, roundTrips } = await roundTripsOf((manager) => manager.query<{ n: number }[]>('SELECT 1 AS n'));
      expect(result).toEqual([{ n: 1 }]);
      expect(roundTrips).toEqual([['START TRANSACTION', 'SELECT 1 AS n'], ['COMMIT']]);
    });

    it('costs no round trip at all when the unit sends nothing', async () => {
      const { roundTrips } = await roundTripsOf(async () => 'nothing to send');
      expect(roundTrips).toEqual([]);
    });

    it('sends held writes in order in front of the next statement, which sees them', async () => {
      const { result, roundTrips } = await roundTripsOf(async (manager) => {
        await runner.deferWrite(manager, `INSERT INTO ${table} VALUES ($1)`, [200]);
        await runner.deferWrite(manager, `UPDATE ${table} SET id = $1 WHERE id = $2`, [201, 200]);
        const [rows, updated] = await manager.query<[{ id: number }[], number]>(
          `UPDATE ${table} SET id = id + 1 WHERE id BETWEEN $1 AND $2 RETURNING id`,
          [200, 209],
        );
        return { rows, updated };
      });
      // The second held write moved the first one's row: they ran in the order held. The carrying
      // statement's answer keeps TypeORM's shape (an UPDATE: its rows and how many).
      expect(result).toEqual({ rows: [{ id: 202 }], updated: 1 });
      expect(roundTrips).toEqual([
        [
          'START TRANSACTION',
          `INSERT INTO ${table} VALUES ($1)`,
          `UPDATE ${table} SET id = $1 WHERE id = $2`,
          `UPDATE ${table} SET id = id + 1 WHERE id BETWEEN $1 AND $2 RETURNING id`,
        ],
        ['COMMIT'],
      ]);
      expect(await ids(200, 209)).toEqual([202]);
    });

    it('sends held writes nothing took along with the commit, in one round trip', async () => {
      const { roundTrips } = await roundTripsOf(async (manager) => {
        await manager.query(`INSERT INTO ${table} VALUES ($1)`, [220]);
        await runner.deferWrite(manager, `INSERT INTO ${table} VALUES ($1)`, [221]);
        await runner.deferWrite(manager, `INSERT INTO ${table} VALUES ($1)`, [222]);
        expect(await ids(220, 229)).toEqual([]); // read on another connection: nothing committed yet
      });
      expect(roundTrips).toEqual([
        ['START TRANSACTION', `INSERT INTO ${table} VALUES ($1)`],
        [`INSERT INTO ${table} VALUES ($1)`, `INSERT INTO ${table} VALUES ($1)`, 'COMMIT'],
      ]);
      expect(await ids(220, 229)).toEqual([220, 221, 222]);
    });

    it('holds the isolation level with the opening', async () => {
      const { result, roundTrips } = await roundTripsOf(async (manager) => {
        const [row] = await manager.query<{ transaction_isolation: string }[]>('SHOW transaction_isolation');
        return row?.transaction_isolation;
      }, 'SERIALIZABLE');
      expect(result).toBe('serializable');
      expect(roundTrips).toEqual([
        ['START TRANSACTION', 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE', 'SHOW transaction_isolation'],
        ['COMMIT'],
      ]);
    });

    it('drops held writes with a rollback, and with a failed attempt', async () => {
      await expect(
        runner.run(async (manager) => {
          await runner.deferWrite(manager, `INSERT INTO ${table} VALUES ($1)`, [230]);
          throw new Error('the unit fails');
        }),
      ).rejects.toThrow('the unit fails');
      await runner.run(async (manager) => {
        await runner.deferWrite(manager, `INSERT INTO ${table} VALUES ($1)`, [231]);
        await expect(
          runner.attempt(async () => {
            await runner.deferWrite(manager, `INSERT INTO ${table} VALUES ($1)`, [232]);
            throw new Error('the attempt fails');
          }),
        ).rejects.toThrow('the attempt fails');
      });
      expect(await ids(230, 239)).toEqual([231]);
    });

    it('fails the unit when a held write fails with the commit: nothing of the unit commits', async () => {
      await dataSource.query(`INSERT INTO ${table} VALUES (240)`);
      await expect(
        runner.run(async (manager) => {
          await manager.query(`INSERT INTO ${table} VALUES ($1)`, [241]);
          await runner.deferWrite(manager, `INSERT INTO ${table} VALUES ($1)`, [240]); // duplicate key
        }),
      ).rejects.toMatchObject({ driverError: { code: '23505' } });
      expect(await ids(240, 249)).toEqual([240]);
    });

    it('fails the unit when the work swallowed a failed statement (PostgreSQL answers the COMMIT with ROLLBACK)', async () => {
      await expect(
        runner.run(async (manager) => {
          await manager.query(`INSERT INTO ${table} VALUES ($1)`, [260]);
          await manager.query('SELECT 1 / 0').catch(() => undefined);
        }),
      ).rejects.toThrow(/the transaction had failed: COMMIT ended in ROLLBACK/);
      expect(await ids(260, 269)).toEqual([]);
    });

    it('sends at once outside a unit of work', async () => {
      await runner.deferWrite(dataSource.manager, `INSERT INTO ${table} VALUES ($1)`, [250]);
      expect(await ids(250, 259)).toEqual([250]);
    });
  });

  describe('checks: a read that decides whether the unit goes on rides behind its next statement', () => {
    /** A check counting the probe rows with `id`; the verdict records what it saw. */
    const countCheck = (manager: EntityManager, id: number, verdict: (rows: number) => void) =>
      runner.checkAlong(manager, `SELECT count(*)::int AS n FROM ${table} WHERE id = $1`, [id], ([row]) =>
        verdict(Number(row.n)),
      );
    class Stop extends Error {}

    it('goes in the round trip of the next statement, behind it, and is judged before that statement answers', async () => {
      const seen: string[] = [];
      const { roundTrips } = await roundTripsOf(async (manager) => {
        await countCheck(manager, 300, (rows) => void seen.push(`check saw ${rows}`));
        await manager.query(`INSERT INTO ${table} VALUES ($1)`, [300]);
        seen.push('statement answered');
      });
      expect(seen).toEqual(['check saw 1', 'statement answered']);
      expect(roundTrips).toEqual([
        [
          'START TRANSACTION',
          `INSERT INTO ${table} VALUES ($1)`,
          `SELECT count(*)::int AS n FROM ${table} WHERE id = $1`,
        ],
        ['COMMIT'],
      ]);
      expect(await ids(300, 309)).toEqual([300]);
    });

    it('fails the statement with the verdict’s error, and the unit cannot commit though the work swallows it', async () => {
      await expect(
        runner.run(async (manager) => {
          await countCheck(manager, 310, () => {
            throw new Stop('already done');
          });
          await manager.query(`INSERT INTO ${table} VALUES ($1)`, [310]).catch(() => undefined);
          await manager.query(`INSERT INTO ${table} VALUES ($1)`, [311]);
        }),
      ).rejects.toBeInstanceOf(Stop);
      expect(await ids(310, 319)).toEqual([]);
    });

    it('goes on its own before the held writes and the commit when no statement takes it along', async () => {
      const { roundTrips } = await roundTripsOf(async (manager) => {
        await runner.deferWrite(manager, `INSERT INTO ${table} VALUES ($1)`, [320]);
        // It must not see the unit's own held write: it is judged before anything may commit.
        await countCheck(manager, 320, (rows) => expect(rows).toBe(0));
      });
      expect(roundTrips).toEqual([
        ['START TRANSACTION', `SELECT count(*)::int AS n FROM ${table} WHERE id = $1`],
        [`INSERT INTO ${table} VALUES ($1)`, 'COMMIT'],
      ]);
      expect(await ids(320, 329)).toEqual([320]);

      await expect(
        runner.run(async (manager) => {
          await runner.deferWrite(manager, `INSERT INTO ${table} VALUES ($1)`, [321]);
          await countCheck(manager, 320, (rows) => {
            if (rows > 0) throw new Stop('already done');
          });
        }),
      ).rejects.toBeInstanceOf(Stop);
      expect(await ids(320, 329)).toEqual([320]);
    });

    it('is made after the rollback of a unit that failed first, before its end-of-unit steps', async () => {
      await dataSource.query(`INSERT INTO ${table} VALUES (330)`);
      const seen: string[] = [];
      const refusedEarly = (stopWhenFound: boolean) =>
        runner.run(async (manager) => {
          await countCheck(manager, 330, (rows) => {
            seen.push(`check saw ${rows}`);
            if (stopWhenFound && rows > 0) throw new Stop('already done');
          });
          await runner.afterUnitOfWork(() => void seen.push('denial recorded'));
          throw new Error('refused before any statement');
        });

      // The verdict lets it stand: the refusal, and the steps after the unit, as without a check.
      await expect(refusedEarly(false)).rejects.toThrow('refused before any statement');
      expect(seen).toEqual(['check saw 1', 'denial recorded']);

      // The verdict stops it: its error replaces the refusal, and nothing the unit decided is kept.
      seen.length = 0;
      await expect(refusedEarly(true)).rejects.toBeInstanceOf(Stop);
      expect(seen).toEqual(['check saw 1']);
    });

    it('is made at once outside a unit of work', async () => {
      const seen: number[] = [];
      await countCheck(dataSource.manager, 330, (rows) => void seen.push(rows));
      expect(seen).toEqual([1]);
    });
  });

  it('runs end-of-unit steps after a rollback too, outside the transaction; at once when no unit is open', async () => {
    const seen: string[] = [];
    await expect(
      runner.run(async (manager) => {
        await manager.query(`INSERT INTO ${table} VALUES (60)`);
        await runner.afterUnitOfWork(async () => {
          // Its own connection sees no trace of the rolled-back insert.
          seen.push(`rows with 60: ${(await dataSource.query(`SELECT 1 FROM ${table} WHERE id = 60`)).length}`);
        });
        seen.push('work failing');
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(seen).toEqual(['work failing', 'rows with 60: 0']);
    await runner.afterUnitOfWork(() => void seen.push('no unit open'));
    expect(seen).toHaveLength(3);
  });

  it('query() reads on the open unit of work (seeing its uncommitted rows), else on the pool', async () => {
    const seenInside = await runner.run(async (manager) => {
      await manager.query(`INSERT INTO ${table} VALUES (70)`);
      return runner.query<{ id: number }>(`SELECT id FROM ${table} WHERE id = $1`, [70]);
    });
    expect(seenInside).toEqual([{ id: 70 }]);
    await expect(
      runner.run(async (manager) => {
        await manager.query(`INSERT INTO ${table} VALUES (71)`);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await runner.query(`SELECT id FROM ${table} WHERE id = ANY($1)`, [[70, 71]])).toEqual([{ id: 70 }]);
  });

  it('enforces the configured statement timeout', async () => {
    await expect(dataSource.query('SELECT pg_sleep(2)')).rejects.toMatchObject({ driverError: { code: '57014' } });
  });
});

function silentLogger(): PinoLogger {
  const ignore = () => undefined;
  return { setContext: ignore, error: ignore, warn: ignore, info: ignore, debug: ignore } as unknown as PinoLogger;
}
