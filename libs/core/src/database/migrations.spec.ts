import type { MigrationInterface } from 'typeorm';
import { migrationTimestamp, orderMigrations, type MigrationClass } from './migrations';

function migration(name: string): MigrationClass {
  const type = class implements MigrationInterface {
    async up(): Promise<void> {}
    async down(): Promise<void> {}
  };
  Object.defineProperty(type, 'name', { value: name });
  return type;
}

const A = migration('CreateA1795816000000');
const B = migration('CreateB1795817000000');
const C = migration('AlterA1795818000000');

describe('orderMigrations', () => {
  it('joins feature lists in timestamp order', () => {
    expect(orderMigrations([A, C], [B])).toEqual([A, B, C]);
    expect(orderMigrations()).toEqual([]);
  });

  it.each<[string, MigrationClass[][], string]>([
    ['a migration listed twice', [[A, B], [B]], 'Migration CreateB1795817000000 is listed twice'],
    [
      'two migrations with one timestamp',
      [[A], [migration('CreateOther1795816000000')]],
      'Migrations CreateA1795816000000 and CreateOther1795816000000 share the timestamp 1795816000000',
    ],
    [
      'a class name without a timestamp',
      [[migration('CreateA')]],
      'Migration class CreateA does not end in a 13-digit timestamp',
    ],
  ])('refuses %s', (_name, lists, message) => {
    expect(() => orderMigrations(...lists)).toThrow(message);
  });

  it('reads the timestamp TypeORM reads', () => {
    expect(migrationTimestamp(C)).toBe(1795818000000);
  });
});
