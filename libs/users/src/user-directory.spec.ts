import type { TokenIdentity } from '@flowgate/auth';
import { Cache, RedisUnavailable } from '@flowgate/core';
import calculateSlot from 'cluster-key-slot';
import type { PinoLogger } from 'nestjs-pino';
import { UserDirectory, userKey } from './user-directory';
import type { SightedIdentity, SightedUser, UsersRepository } from './users.repository';

/** The shared cache as a plain map (serialised, as Redis stores it). */
class MapCache extends Cache {
  readonly values = new Map<string, string>();
  async get<T>(key: string): Promise<T | undefined> {
    const raw = this.values.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }
  async getMany(keys: readonly string[]): Promise<unknown[]> {
    return Promise.all(keys.map((key) => this.get(key)));
  }
  async set<T>(key: string, value: T): Promise<void> {
    this.values.set(key, JSON.stringify(value));
  }
  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }
}

/** Records the keys of every multi-key read and of every write. */
class KeyRecordingCache extends MapCache {
  readonly reads: (readonly string[])[] = [];
  readonly writes: string[] = [];
  override async getMany(keys: readonly string[]): Promise<unknown[]> {
    this.reads.push(keys);
    return super.getMany(keys);
  }
  override async set<T>(key: string, value: T): Promise<void> {
    this.writes.push(key);
    return super.set(key, value);
  }
}

/** The shared cache while Redis is away: every call fails at once. */
class UnavailableCache extends Cache {
  private fail(): never {
    throw new RedisUnavailable('Redis is unavailable (circuit open)');
  }
  get = async <T>(): Promise<T> => this.fail();
  getMany = async (): Promise<unknown[]> => this.fail();
  set = async (): Promise<void> => this.fail();
  delete = async (): Promise<void> => this.fail();
}

/** One user row per (source, subject), as the unique constraint keeps it. */
class FakeUsers {
  readonly rows = new Map<string, SightedUser>();
  sightings = 0;

  async upsertOnSight(identity: SightedIdentity) {
    this.sightings += 1;
    const key = JSON.stringify([identity.tenantId, identity.objectId]);
    const id = this.rows.get(key)?.id ?? `user-${this.rows.size + 1}`;
    this.rows.set(key, {
      id,
      status: 'active',
      displayName: identity.displayName,
      email: identity.email,
      tokenRoles: identity.tokenRoles,
      sessionsRevokedBefore: undefined,
      lastSeenAt: new Date(),
      grantedRoles: [],
    });
    return { id, status: 'active', sessionsRevokedBefore: null };
  }

  async findSighted(tenantId: string, objectId: string): Promise<SightedUser | undefined> {
    return this.rows.get(JSON.stringify([tenantId, objectId]));
  }

  async grantedRoles(): Promise<string[]> {
    return [];
  }
}

const logger = { setContext: () => undefined, warn: () => undefined, error: () => undefined } as unknown as PinoLogger;

const identity = (tenantId: string, objectId: string): TokenIdentity => ({
  tenantId,
  objectId,
  displayName: 'Same Name',
  email: 'same@example.test',
  tokenRoles: [],
});

/** Pairs that read the same when joined with ':'. */
const AMBIGUOUS_PAIRS: [string, [string, string], [string, string]][] = [
  ['issuer URL + sub with a colon', ['https://idp', 'a:b'], ['https://idp:a', 'b']],
  ['issuer with a port', ['https://idp', '8443:x'], ['https://idp:8443', 'x']],
  ['empty-looking split', ['https://idp:', 'x'], ['https://idp', ':x']],
];

describe('UserDirectory cache keys', () => {
  it.each(AMBIGUOUS_PAIRS)('%s: two users, two keys', (_case, [t1, o1], [t2, o2]) => {
    expect(`${t1}:${o1}`).toBe(`${t2}:${o2}`);
    expect(userKey(t1, o1)).not.toBe(userKey(t2, o2));
  });

  it('is a hash tag, so entry and generation of a user share a Redis Cluster slot, and bounded', () => {
    expect(userKey('https://idp', 'x'.repeat(255))).toMatch(/^\{[A-Za-z0-9_-]{43}\}$/);
    expect(userKey('https://idp', 'a')).toBe(userKey('https://idp', 'a'));
  });

  it('reads a user’s entry and generation in one call, every key of the user in one Redis Cluster slot', async () => {
    const cache = new KeyRecordingCache();
    const directory = new UserDirectory(new FakeUsers() as unknown as UsersRepository, cache, logger);

    await directory.resolve(identity('https://idp', 'alice'));
    await directory.forget('https://idp', 'alice');

    expect(cache.reads).toHaveLength(1);
    expect(cache.reads[0]).toHaveLength(2);
    // The slot as the keys are built: the configured prefix holds no braces, so a key's hash
    // tag, not the prefix, decides it (ADR 21). The read, the entry written and the generation
    // replaced: one slot, so the read can be one MGET on a cluster.
    expect(new Set([...cache.reads.flat(), ...cache.writes].map((key) => calculateSlot(key))).size).toBe(1);
  });

  it.each(AMBIGUOUS_PAIRS)(
    '%s: the second user is never served the first one’s cached entry',
    async (_case, [t1, o1], [t2, o2]) => {
      const users = new FakeUsers();
      const directory = new UserDirectory(users as unknown as UsersRepository, new MapCache(), logger);

      const first = await directory.resolve(identity(t1, o1));
      expect((await directory.resolve(identity(t1, o1))).userId).toBe(first.userId);
      expect(users.sightings).toBe(1); // the second read came from the cache

      const second = await directory.resolve(identity(t2, o2));
      expect(second.userId).not.toBe(first.userId);
      expect(users.sightings).toBe(2);
    },
  );
});

describe('UserDirectory while Redis is away', () => {
  let users: FakeUsers;
  let directory: UserDirectory;
  const caller = identity('https://idp', 'alice');
  const rowOf = () => users.rows.get(JSON.stringify(['https://idp', 'alice']))!;

  beforeEach(() => {
    users = new FakeUsers();
    directory = new UserDirectory(users as unknown as UsersRepository, new UnavailableCache(), logger);
  });

  it('provisions a new caller, then reads them without writing on every request', async () => {
    const first = await directory.resolve(caller);
    expect(users.sightings).toBe(1);
    for (let i = 0; i < 5; i += 1) expect((await directory.resolve(caller)).userId).toBe(first.userId);
    expect(users.sightings).toBe(1);
  });

  it('reads access from the row on every request: a suspension, a grant, a revocation apply at once', async () => {
    await directory.resolve(caller);
    const revokedAt = new Date();
    users.rows.set(JSON.stringify(['https://idp', 'alice']), {
      ...rowOf(),
      status: 'suspended',
      grantedRoles: ['approver'],
      sessionsRevokedBefore: revokedAt,
    });
    expect(await directory.resolve(caller)).toEqual({
      userId: rowOf().id,
      status: 'suspended',
      grantedRoles: ['approver'],
      sessionsRevokedBefore: revokedAt.toISOString(),
    });
  });

  it.each([
    ['the display name changed', { displayName: 'New Name' }],
    ['the token roles changed', { tokenRoles: ['approver' as const] }],
  ])('writes when %s', async (_case, change) => {
    await directory.resolve(caller);
    await directory.resolve({ ...caller, ...change });
    expect(users.sightings).toBe(2);
  });

  it('records a sighting again once it is older than a cache entry would live', async () => {
    await directory.resolve(caller);
    users.rows.set(JSON.stringify(['https://idp', 'alice']), { ...rowOf(), lastSeenAt: new Date(Date.now() - 61_000) });
    await directory.resolve(caller);
    expect(users.sightings).toBe(2);
  });
});
