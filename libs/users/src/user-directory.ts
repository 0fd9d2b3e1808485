import { Injectable } from '@nestjs/common';
import { AtomicCounters, Cache } from '@flowgate/core';
import { DirectoryEntry, isRole, PrincipalDirectory, Role, TokenIdentity } from '@flowgate/auth';
import { PinoLogger } from 'nestjs-pino';
import { UsersRepository } from './users.repository';

interface CachedEntry extends DirectoryEntry {
  readonly displayName: string | undefined;
  readonly email: string | undefined;
  readonly tokenRoles: readonly Role[];
}

const ENTRY_TTL_MS = 60_000;
/** Far longer than any entry lives, so a counter that expires can never revive an old entry. */
const GENERATION_TTL_MS = 24 * 60 * 60_000;

/**
 * Resolves every authenticated request's caller: provisions the user on first sight and
 * refreshes display data when the token's differs. The result is cached in the shared cache
 * (Redis) under the user's current *generation*; every admin change bumps the generation after
 * committing, so suspensions, revocations and grants take effect on the next request on every
 * instance. A generation rather than a delete: a reader that loaded the old state just before
 * the change can only write it under the old generation, where nobody looks any more.
 */
@Injectable()
export class UserDirectory extends PrincipalDirectory {
  constructor(
    private readonly users: UsersRepository,
    private readonly cache: Cache,
    private readonly counters: AtomicCounters,
    private readonly logger: PinoLogger,
  ) {
    super();
    this.logger.setContext(UserDirectory.name);
  }

  async resolve(identity: TokenIdentity): Promise<DirectoryEntry> {
    const user = `${identity.tenantId}:${identity.objectId}`;
    const generation = await this.counters.get(generationKey(user)).catch((error: unknown) => this.cacheFailed(error));
    const key = generation === undefined ? undefined : `principal:${user}:${generation}`;
    const cached = key
      ? await this.cache.get<CachedEntry>(key).catch((error: unknown) => this.cacheFailed(error))
      : undefined;
    if (cached && sameDisplayData(cached, identity)) return cached;

    const row = await this.users.upsertOnSight(identity);
    const entry: CachedEntry = {
      userId: row.id,
      status: row.status,
      grantedRoles: (await this.users.grantedRoles(row.id)).filter(isRole),
      sessionsRevokedBefore: row.sessionsRevokedBefore?.toISOString(),
      displayName: identity.displayName,
      email: identity.email,
      tokenRoles: identity.tokenRoles,
    };
    if (key) await this.cache.set(key, entry, ENTRY_TTL_MS).catch((error: unknown) => this.cacheFailed(error));
    return entry;
  }

  /**
   * Called after a committed change to a user, so no instance keeps serving the old state. The
   * change itself is committed; if Redis is unreachable now, readers cannot reach the cache
   * either and read the database, so a failure here is logged rather than failing the request.
   */
  async forget(tenantId: string, objectId: string): Promise<void> {
    await this.counters
      .increment(generationKey(`${tenantId}:${objectId}`), 1, GENERATION_TTL_MS)
      .catch((error: unknown) => this.logger.error({ err: error }, 'Could not invalidate a cached principal'));
  }

  /** Redis trouble must not lock everyone out: fall back to the database for this request. */
  private cacheFailed(error: unknown): undefined {
    this.logger.warn({ err: error }, 'Principal cache unavailable; reading the database');
    return undefined;
  }
}

function sameDisplayData(cached: CachedEntry, identity: TokenIdentity): boolean {
  return (
    cached.displayName === identity.displayName &&
    cached.email === identity.email &&
    cached.tokenRoles.length === identity.tokenRoles.length &&
    cached.tokenRoles.every((role) => identity.tokenRoles.includes(role))
  );
}

function generationKey(user: string): string {
  return `principal-generation:${user}`;
}
