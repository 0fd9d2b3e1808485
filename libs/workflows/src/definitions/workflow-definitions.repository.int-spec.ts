import { randomUUID } from 'node:crypto';
import {
  connectRunDatabase,
  definitionKey,
  insertDefinition,
  insertUser,
  reviewDefinitionDocument,
  type RunDatabase,
  SQL_STATE,
  uniqueSuffix,
  validDefinition as definitionOf,
} from '@flowgate/testing';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import { WorkflowDefinitionsRepository } from './workflow-definitions.repository';

/** On the run's database: every test publishes keys of its own. */
describe('WorkflowDefinitionsRepository (real PostgreSQL)', () => {
  let db: RunDatabase;
  let definitions: WorkflowDefinitionsRepository;

  beforeAll(async () => {
    db = await connectRunDatabase('workflow-definitions-repository-spec');
    definitions = new WorkflowDefinitionsRepository(db.transactions);
  });

  afterAll(() => db?.close());

  const publish = (definition: WorkflowDefinition, publishedBy: string | null = null) =>
    db.transactions.run(async (manager) => {
      await definitions.lockKeyForPublishing(definition.key, manager);
      return definitions.insertNextVersion(definition, publishedBy, manager);
    });

  describe('insertNextVersion', () => {
    it("publishes the key's versions 1, 2, … with their publisher", async () => {
      const admin = await insertUser(db.dataSource, { tokenRoles: ['admin'] });
      const definition = definitionOf();
      const first = await publish(definition);
      const second = await publish({ ...definition, title: 'Second edition' }, admin.id);
      expect(first).toMatchObject({ key: definition.key, version: 1, title: definition.title, publishedBy: null });
      expect(second).toMatchObject({ version: 2, title: 'Second edition', publishedBy: admin.id });
      expect(second!.definition).toEqual({ ...definition, title: 'Second edition' });
      expect(second!.publishedAt).toBeInstanceOf(Date);
    });

    it('rolls back with the unit of work that published', async () => {
      const definition = definitionOf();
      await expect(
        db.transactions.run(async (manager) => {
          await definitions.insertNextVersion(definition, null, manager);
          throw new Error('the audit write failed');
        }),
      ).rejects.toThrow('the audit write failed');
      expect(await definitions.latestVersionOf(definition.key)).toBeUndefined();
    });

    it('refuses a publisher who is not a user, and a key the database would not accept', async () => {
      await expect(publish(definitionOf(), randomUUID())).rejects.toMatchObject({
        driverError: { code: SQL_STATE.foreignKeyViolation },
      });
      await expect(publish({ ...definitionOf(), key: 'Not A Key' })).rejects.toMatchObject({
        driverError: { code: SQL_STATE.checkViolation },
      });
    });

    it('gives publishers who take the key lock consecutive versions', async () => {
      const definition = definitionOf();
      const first = await db.openUnit();
      const second = await db.openUnit();
      await definitions.lockKeyForPublishing(definition.key, first.manager);
      const waiting = definitions.lockKeyForPublishing(definition.key, second.manager);
      await db.waitUntilBlocked(second, first);
      expect(await definitions.insertNextVersion(definition, null, first.manager)).toMatchObject({ version: 1 });
      await first.commit();
      await waiting;
      expect(await definitions.insertNextVersion(definition, null, second.manager)).toMatchObject({ version: 2 });
      await second.commit();
      expect(await definitions.latestVersionOf(definition.key)).toBe(2);
    });

    it("holds up no publisher of another key: the lock is the key's", async () => {
      const first = await db.openUnit();
      const second = await db.openUnit();
      try {
        await definitions.lockKeyForPublishing(definitionOf().key, first.manager);
        const other = definitionOf();
        await definitions.lockKeyForPublishing(other.key, second.manager);
        expect(await definitions.insertNextVersion(other, null, second.manager)).toMatchObject({ version: 1 });
      } finally {
        await Promise.all([first.rollback(), second.rollback()]);
      }
    });

    it('is undefined for a writer that skipped the lock and lost the version, whose unit stays usable', async () => {
      const definition = definitionOf();
      const first = await db.openUnit();
      const second = await db.openUnit();
      await definitions.insertNextVersion(definition, null, first.manager);
      const racing = definitions.insertNextVersion(definition, null, second.manager);
      await db.waitUntilBlocked(second, first);
      await first.commit();
      expect(await racing).toBeUndefined();
      // No failed statement: the unit can try again, and sees the committed version now.
      expect(await definitions.insertNextVersion(definition, null, second.manager)).toMatchObject({ version: 2 });
      await second.commit();
    });
  });

  describe('reads', () => {
    it('are undefined for a key or version never published', async () => {
      const published = await insertDefinition(db.dataSource);
      expect(await definitions.findVersion(`absent-${uniqueSuffix()}`, 1)).toBeUndefined();
      expect(await definitions.findVersion(published.key, 2)).toBeUndefined();
      expect(await definitions.latestVersionOf(`absent-${uniqueSuffix()}`)).toBeUndefined();
    });

    it('find a version deep-frozen, as the engine caches compiled schemas per definition object', async () => {
      const published = await insertDefinition(db.dataSource);
      await insertDefinition(db.dataSource, { ...reviewDefinitionDocument(published.key), title: 'Later' });
      const found = await definitions.findVersion(published.key, 1);
      expect(found).toMatchObject({ key: published.key, version: 1, definition: published.definition });
      expect(Object.isFrozen(found!.definition)).toBe(true);
      expect(Object.isFrozen(found!.definition.transitions[0])).toBe(true);
      expect(await definitions.latestVersionOf(published.key)).toBe(2);
    });

    it('give a version stored before visibility existed the participants-only default', async () => {
      const { visibility, ...legacy } = definitionOf();
      expect(visibility).toBeDefined();
      await db.dataSource.query(
        `INSERT INTO workflow_definitions (key, version, title, definition) VALUES ($1, 1, $2, $3)`,
        [legacy.key, legacy.title, JSON.stringify(legacy)],
      );
      expect((await definitions.findVersion(legacy.key, 1))?.definition.visibility).toBe('participants');
    });
  });

  describe('listLatest', () => {
    it("lists each key's latest version by key, from after a key, with the description if any", async () => {
      const prefix = `${definitionKey('list')}-`;
      const [a, b, c] = ['a', 'b', 'c'].map((letter) => reviewDefinitionDocument(`${prefix}${letter}`));
      await insertDefinition(db.dataSource, c);
      await insertDefinition(db.dataSource, { ...a, description: 'The first key' });
      await insertDefinition(db.dataSource, { ...a, title: 'A, again' });
      await insertDefinition(db.dataSource, b);

      const all = await definitions.listLatest({ afterKey: prefix, limit: 3 });
      expect(all.map(({ key, version, title }) => ({ key, version, title }))).toEqual([
        { key: `${prefix}a`, version: 2, title: 'A, again' },
        { key: `${prefix}b`, version: 1, title: b.title },
        { key: `${prefix}c`, version: 1, title: c.title },
      ]);
      expect(all.map((summary) => summary.description)).toEqual([undefined, undefined, undefined]);
      const afterA = await definitions.listLatest({ afterKey: `${prefix}a`, limit: 1 });
      expect(afterA.map((summary) => summary.key)).toEqual([`${prefix}b`]);

      const described = reviewDefinitionDocument(`${prefix}d`);
      await insertDefinition(db.dataSource, { ...described, description: 'Described' });
      const [latest] = await definitions.listLatest({ afterKey: `${prefix}c`, limit: 1 });
      expect(latest).toMatchObject({ key: `${prefix}d`, description: 'Described', publishedBy: null });
    });

    it('starts from the first key when no key is given', async () => {
      await insertDefinition(db.dataSource);
      // One snapshot for both reads: keys other specs publish meanwhile cannot come between them.
      const { page, first } = await db.transactions.run(
        async (manager) => ({
          page: await definitions.listLatest({ limit: 5 }),
          first: (await manager.query<{ first: string }[]>(`SELECT min(key) AS first FROM workflow_definitions`))[0]
            .first,
        }),
        'REPEATABLE READ',
      );
      const keys = page.map((summary) => summary.key);
      expect(keys[0]).toBe(first);
      expect(new Set(keys).size).toBe(keys.length);
    });
  });

  it.each([
    ['UPDATE', `UPDATE workflow_definitions SET title = 'changed' WHERE key = $1`],
    ['DELETE', `DELETE FROM workflow_definitions WHERE key = $1`],
  ])('refuses to %s a published version (immutable, whoever asks)', async (_operation, sql) => {
    const published = await insertDefinition(db.dataSource);
    await expect(db.dataSource.query(sql, [published.key])).rejects.toMatchObject({
      driverError: { code: SQL_STATE.insufficientPrivilege },
    });
    expect(await definitions.findVersion(published.key, 1)).toMatchObject({ title: published.definition.title });
  });
});
