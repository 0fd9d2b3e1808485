import type { MigrationInterface } from 'typeorm';

/** A TypeORM migration class: `<Name><13-digit timestamp>`, e.g. `CreateUsersAndRoleGrants1795816000000`. */
export type MigrationClass = new () => MigrationInterface;

/**
 * A feature's migrations, in the order it wrote them. Features own their migrations (their tables,
 * their files, e.g. `USERS_MIGRATIONS`); the composition root joins every feature's list with
 * `orderMigrations`, and the app, the CLI and the test set-up all run that one list.
 */
export type MigrationList = readonly MigrationClass[];

/**
 * The injection token of the composition root's ordered list. It is provided beside the
 * configuration (`ConfigModule.forRoot`), a value fixed before Nest starts like the config itself,
 * so that `DatabaseModule` stays a plain module every feature imports, not one set up per app.
 */
export const DATABASE_MIGRATIONS = 'flowgate:database-migrations';

/**
 * Every feature's migrations as one list in timestamp order, the order TypeORM runs and records
 * them in. Refuses a migration listed twice and two migrations with one timestamp: TypeORM tells
 * migrations apart by name and orders them by timestamp, so either would make the order (or the
 * `migrations` table of an existing database) ambiguous.
 */
export function orderMigrations(...lists: readonly MigrationList[]): MigrationClass[] {
  const all = lists.flat();
  const byTimestamp = new Map<number, MigrationClass>();
  for (const migration of all) {
    const timestamp = migrationTimestamp(migration);
    const taken = byTimestamp.get(timestamp);
    if (taken === migration) throw new Error(`Migration ${migration.name} is listed twice`);
    if (taken) throw new Error(`Migrations ${taken.name} and ${migration.name} share the timestamp ${timestamp}`);
    byTimestamp.set(timestamp, migration);
  }
  return [...all].sort((a, b) => migrationTimestamp(a) - migrationTimestamp(b));
}

/** The timestamp TypeORM reads from a migration's class name (its last 13 digits). */
export function migrationTimestamp(migration: MigrationClass): number {
  const match = /(\d{13})$/.exec(migration.name);
  if (!match) throw new Error(`Migration class ${migration.name} does not end in a 13-digit timestamp`);
  return Number(match[1]);
}
