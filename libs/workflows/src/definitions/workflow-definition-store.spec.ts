import { AppError } from '@flowgate/core';
import type { PublishedDefinition } from './published-definition';
import { WorkflowDefinitionStore } from './workflow-definition-store';
import type { WorkflowDefinitionsRepository } from './workflow-definitions.repository';

/** A repository over an in-memory table that counts its reads; every read builds new objects. */
function fakeRepository(versions: Record<string, number>) {
  const reads = { latest: 0, version: 0 };
  const repository = {
    latestVersionOf: async (key: string) => {
      reads.latest += 1;
      return versions[key];
    },
    findVersion: async (key: string, version: number): Promise<PublishedDefinition | undefined> => {
      reads.version += 1;
      if (versions[key] === undefined || version > versions[key]) return undefined;
      return {
        key,
        version,
        title: `${key} v${version}`,
        definition: { key, title: `${key} v${version}`, visibility: 'participants', states: [], transitions: [] },
        publishedBy: null,
        publishedAt: new Date(0),
      };
    },
  };
  return { repository: repository as unknown as WorkflowDefinitionsRepository, reads, versions };
}

describe('WorkflowDefinitionStore', () => {
  it('reads a version once and then returns the same definition object every time', async () => {
    const { repository, reads } = fakeRepository({ expense: 3 });
    const store = new WorkflowDefinitionStore(repository);
    const first = await store.get('expense', 2);
    const second = await store.get('expense', 2);
    expect(second).toBe(first);
    expect(second.definition).toBe(first.definition);
    expect(first).toMatchObject({ key: 'expense', version: 2 });
    expect(reads.version).toBe(1);
  });

  it('asks the database for the latest version on every call, and serves that version from the cache', async () => {
    const { repository, reads, versions } = fakeRepository({ expense: 1 });
    const store = new WorkflowDefinitionStore(repository);
    expect((await store.get('expense')).version).toBe(1);
    expect(await store.get('expense')).toBe(await store.get('expense', 1));
    versions.expense = 2;
    expect((await store.get('expense')).version).toBe(2);
    expect(reads).toEqual({ latest: 3, version: 2 });
  });

  it('gives concurrent first reads of one version the same object', async () => {
    const { repository } = fakeRepository({ expense: 1 });
    const store = new WorkflowDefinitionStore(repository);
    const [a, b, c] = await Promise.all([store.get('expense', 1), store.get('expense', 1), store.get('expense')]);
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  it.each([
    ['an unknown key, latest', 'nothing', undefined],
    ['an unknown key, named version', 'nothing', 1],
    ['a version past the latest', 'expense', 4],
  ])('throws not_found for %s', async (_, key, version) => {
    const store = new WorkflowDefinitionStore(fakeRepository({ expense: 3 }).repository);
    const error = await store.get(key, version).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'not_found' });
  });

  it('keeps at most 500 versions, dropping the least recently used', async () => {
    const { repository, reads } = fakeRepository({ expense: 600 });
    const store = new WorkflowDefinitionStore(repository);
    const first = await store.get('expense', 1);
    const second = await store.get('expense', 2);
    for (let version = 3; version <= 500; version += 1) await store.get('expense', version);
    // Version 1 is used again, so version 2 is now the least recently used.
    expect(await store.get('expense', 1)).toBe(first);
    await store.get('expense', 501);
    expect(reads.version).toBe(501);
    expect(await store.get('expense', 1)).toBe(first);
    const reread = await store.get('expense', 2);
    expect(reread).not.toBe(second);
    expect(reread).toEqual(second);
    expect(reads.version).toBe(502);
  });
  it('answers a cached version itself, without a promise; an uncached one as a promise of the same object', async () => {
    const { repository, reads } = fakeRepository({ expense: 3 });
    const store = new WorkflowDefinitionStore(repository);
    const missed = store.version('expense', 2);
    expect(missed).toBeInstanceOf(Promise);
    const read = await missed;
    expect(store.version('expense', 2)).toBe(read);
    expect(reads.version).toBe(1);
    // An absent version is still not_found, asynchronously.
    await expect(store.version('expense', 4)).rejects.toMatchObject({ code: 'not_found' });
  });
});
