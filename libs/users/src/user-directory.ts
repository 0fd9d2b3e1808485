import { Injectable } from '@nestjs/common';
import { Cache } from '@flowgate/core';
import { DirectoryEntry, isRole, PrincipalDirectory, Role, TokenIdentity } from '@flowgate/auth';
import { PinoLogger } from 'nestjs-pino';
import { UsersRepository } from './users.repository';

interface CachedEntry extends DirectoryEntry {
  readonly displayName: string | undefined;
  readonly email: string | undefined;
  readonly tokenRoles: readonly Role[];
}

const TTL_MS = 60_000;

/**
 * Resolves every authenticated request's caller: provisions the user on first sight and
 * refreshes display data when the token's differs. The result is cached in the shared cache
 * (Redis), and every admin change deletes the entry after committing, so suspensions,
 * revocations and grants take effect on the next request on every instance.
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

  static cacheKey(tenantId: string, objectId: string): string {
    return `principal:${tenantId}:${objectId}`;
  }

  async resolve(identity: TokenIdentity): Promise<DirectoryEntry> {
    const key = UserDirectory.cacheKey(identity.tenantId, identity.objectId);
    const cached = await this.cache.get<CachedEntry>(key).catch((error: unknown) => this.cacheFailed(error));
    if (cached && sameDisplayData(cached, identity)) return cached;

    const user = await this.users.upsertOnSight(identity);
    const entry: CachedEntry = {
      userId: user.id,
      status: user.status,
      grantedRoles: (await this.users.grantedRoles(user.id)).filter(isRole),
      sessionsRevokedBefore: user.sessionsRevokedBefore?.toISOString(),
      displayName: identity.displayName,
      email: identity.email,
      tokenRoles: identity.tokenRoles,
    };
    await this.cache.set(key, entry, TTL_MS).catch((error: unknown) => this.cacheFailed(error));
    return entry;
  }

  /** Called after a committed change to a user, so no instance keeps serving the old state. */
  async forget(tenantId: string, objectId: string): Promise<void> {
    await this.cache.delete(UserDirectory.cacheKey(tenantId, objectId));
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
