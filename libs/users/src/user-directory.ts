import { Injectable } from '@nestjs/common';
import { Cache, type CallerBatch, RedisUnavailable } from '@flowgate/core';
import { DirectoryEntry, isRole, PrincipalDirectory, principalTag, Role, TokenIdentity } from '@flowgate/auth';
import { PinoLogger } from 'nestjs-pino';
import { randomUUID } from 'node:crypto';
import { UsersRepository } from './users.repository';

interface CachedEntry extends DirectoryEntry {
  readonly displayName: string | undefined;
  readonly email: string | undefined;
  readonly tokenRoles: readonly Role[];
  /** The user's generation when the entry was loaded; only an entry of the current one is used. */
  readonly generation: string;
}

const ENTRY_TTL_MS = 60_000;
/** Far longer than any entry lives, so a generation that expires can never revive an old entry. */
const GENERATION_TTL_MS = 24 * 60 * 60_000;
/** The generation of a user no admin has changed (or not for a day). */
const FIRST_GENERATION = 'initial';

/**
 * Resolves every authenticated request's caller: provisions the user on first sight and
 * refreshes display data when the token's differs. The result is cached in the shared cache
 * (Redis) together with the user's *generation*, a token that every admin change replaces after
 * committing, so suspensions, revocations and grants take effect on the next request on every
 * instance. A generation rather than a delete: a reader that loaded the old state just before the
 * change can only write it under the old generation, which no reader accepts any more. Entry and
 * generation are read in one round trip, since every authenticated request waits for it; with the
 * request's `CallerBatch`, the same round trip carries its rate-limit counters and idempotency
 * marker (ADR 28).
 */
@Injectable()
export class UserDirectory extends PrincipalDirectory {
  constructor(
    private readonly users: UsersRepository,
    private readonly cache: Cache,
    private readonly logger: PinoLogger,
  ) {
    super();
    this.logger.setContext(UserDirectory.name);
  }

  async resolve(identity: TokenIdentity, batch?: CallerBatch): Promise<DirectoryEntry> {
    const user = userKey(identity.tenantId, identity.objectId);
    const keys = [generationKey(user), entryKey(user)];
    const cached = await (batch ? batch.read(user, keys) : this.cache.getMany(keys))
      .then(([generation, entry]) => ({ generation: (generation as string | undefined) ?? FIRST_GENERATION, entry }))
      .catch((error: unknown) => this.cacheFailed(error));
    const entry = cached?.entry as CachedEntry | undefined;
    if (cached && entry?.generation === cached.generation && sameDisplayData(entry, identity)) return entry;
    if (!cached) {
      const seen = await this.readWithoutCache(identity);
      if (seen) return seen;
    }

    const row = await this.users.upsertOnSight(identity);
    const loaded: CachedEntry = {
      userId: row.id,
      status: row.status,
      grantedRoles: (await this.users.grantedRoles(row.id)).filter(isRole),
      sessionsRevokedBefore: row.sessionsRevokedBefore?.toISOString(),
      displayName: identity.displayName,
      email: identity.email,
      tokenRoles: identity.tokenRoles,
      generation: cached?.generation ?? FIRST_GENERATION,
    };
    if (cached) {
      await this.cache.set(entryKey(user), loaded, ENTRY_TTL_MS).catch((error: unknown) => this.cacheFailed(error));
    }
    return loaded;
  }

  /**
   * Called after a committed change to a user, so no instance keeps serving the old state. The
   * change itself is committed; if Redis is unreachable now, readers cannot reach the cache
   * either and read the database, so a failure here is logged rather than failing the request.
   */
  async forget(tenantId: string, objectId: string): Promise<void> {
    await this.cache
      .set(generationKey(userKey(tenantId, objectId)), randomUUID(), GENERATION_TTL_MS)
      .catch((error: unknown) => this.logger.error({ err: error }, 'Could not invalidate a cached principal'));
  }

  /**
   * Without the cache (Redis away) every request reaches the database: read the caller (one
   * statement) and write only what a cache miss would have written, i.e. provision a new user,
   * refresh changed display data, or record the sighting once per entry lifetime. Upserting on
   * every request would queue all of a user's concurrent requests on their row's lock.
   */
  private async readWithoutCache(identity: TokenIdentity): Promise<DirectoryEntry | undefined> {
    const user = await this.users.findSighted(identity.tenantId, identity.objectId);
    if (!user || Date.now() - user.lastSeenAt.getTime() >= ENTRY_TTL_MS) return undefined;
    if (!sameDisplayData({ ...user, tokenRoles: user.tokenRoles.filter(isRole) }, identity)) return undefined;
    return {
      userId: user.id,
      status: user.status,
      grantedRoles: user.grantedRoles.filter(isRole),
      sessionsRevokedBefore: user.sessionsRevokedBefore?.toISOString(),
    };
  }

  /**
   * Redis trouble must not lock everyone out: fall back to the database for this request. Redis
   * being away is logged once by its connection, not once per request.
   */
  private cacheFailed(error: unknown): undefined {
    if (!(error instanceof RedisUnavailable)) {
      this.logger.warn({ err: error }, 'Principal cache unavailable; reading the database');
    }
    return undefined;
  }
}

function sameDisplayData(
  cached: Pick<CachedEntry, 'displayName' | 'email' | 'tokenRoles'>,
  identity: TokenIdentity,
): boolean {
  return (
    cached.displayName === identity.displayName &&
    cached.email === identity.email &&
    cached.tokenRoles.length === identity.tokenRoles.length &&
    cached.tokenRoles.every((role) => identity.tokenRoles.includes(role))
  );
}

/**
 * The user's part of their cache keys: the caller's hash tag (`principalTag`, unambiguous per
 * user), so both keys of a user share a Redis Cluster slot with the caller's other keys, and
 * `resolve` reads them in one call (ADR 21, 28).
 */
export function userKey(tenantId: string, objectId: string): string {
  return principalTag(tenantId, objectId);
}

function generationKey(user: string): string {
  return `principal-generation:${user}`;
}

function entryKey(user: string): string {
  return `principal:${user}`;
}
