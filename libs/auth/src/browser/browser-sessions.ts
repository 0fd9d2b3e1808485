import { Injectable } from '@nestjs/common';
import { Cache, FlowgateConfig } from '@flowgate/core';
import { createHash, randomBytes } from 'node:crypto';
import type { BrowserSession, FoundSession } from './browser-session';

/** A listed session, as admins see it: no cookie, no tokens. */
export interface SessionSummary {
  readonly handle: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly expiresAt: string;
  readonly steppedUpAt: string | undefined;
}

interface IndexEntry {
  readonly handle: string;
  readonly absoluteExpiresAt: number;
}

/** Writing `lastSeenAt` on every request would cost a Redis write per read; once a minute is enough for a 30-minute idle timeout. */
const TOUCH_AFTER_MS = 60_000;

/**
 * The server-side session store (ADR 17): records in the shared cache (Redis; the in-process
 * stand-in in development) under the SHA-256 of the cookie value, so a Redis dump hands out no
 * usable cookie. Each key expires at the idle timeout, renewed on use, and never past the absolute
 * one. A per-user index lists a person's sessions for admins; it is advisory (a lost update only
 * hides a session from the list): ending sessions goes through the user's revocation time, which
 * every request checks, not through the index.
 */
@Injectable()
export class BrowserSessions {
  constructor(
    private readonly cache: Cache,
    private readonly config: FlowgateConfig,
  ) {}

  private get timeouts() {
    const { idleTimeoutSeconds, absoluteTimeoutSeconds } = this.config.auth.browser;
    return { idleMs: idleTimeoutSeconds * 1000, absoluteMs: absoluteTimeoutSeconds * 1000 };
  }

  /** A new session under a new random id (never one the browser brought: no fixation). */
  async create(
    fields: Omit<BrowserSession, 'csrfToken' | 'createdAt' | 'lastSeenAt' | 'absoluteExpiresAt'>,
  ): Promise<{ id: string; session: BrowserSession }> {
    const id = randomBytes(32).toString('base64url');
    const now = Date.now();
    const session: BrowserSession = {
      ...fields,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
      absoluteExpiresAt: now + this.timeouts.absoluteMs,
    };
    const handle = handleOf(id);
    await this.save(handle, session);
    await this.index(session.userId, (entries) => [
      ...entries,
      { handle, absoluteExpiresAt: session.absoluteExpiresAt },
    ]);
    return { id, session };
  }

  /** The live session of a cookie value; undefined when unknown, idle too long or past its end. */
  async find(id: string): Promise<FoundSession | undefined> {
    const handle = handleOf(id);
    const session = await this.cache.get<BrowserSession>(sessionKey(handle));
    if (!session) return undefined;
    const now = Date.now();
    if (now >= session.absoluteExpiresAt || now - session.lastSeenAt >= this.timeouts.idleMs) {
      await this.destroy({ handle, session });
      return undefined;
    }
    if (now - session.lastSeenAt >= TOUCH_AFTER_MS) await this.save(handle, { ...session, lastSeenAt: now });
    return { handle, session };
  }

  async destroy({ handle, session }: FoundSession): Promise<void> {
    await this.cache.delete(sessionKey(handle));
    await this.index(session.userId, (entries) => entries.filter((entry) => entry.handle !== handle));
  }

  async listForUser(userId: string): Promise<SessionSummary[]> {
    const entries = (await this.cache.get<IndexEntry[]>(indexKey(userId))) ?? [];
    const sessions = await this.cache.getMany(entries.map((entry) => sessionKey(entry.handle)));
    return entries.flatMap((entry, i) => {
      const session = sessions[i] as BrowserSession | undefined;
      if (!session) return [];
      return [
        {
          handle: entry.handle,
          createdAt: new Date(session.createdAt).toISOString(),
          lastSeenAt: new Date(session.lastSeenAt).toISOString(),
          expiresAt: new Date(this.expiresAt(session)).toISOString(),
          steppedUpAt: session.steppedUpAt === undefined ? undefined : new Date(session.steppedUpAt).toISOString(),
        },
      ];
    });
  }

  /** When the session ends if it stays idle: the idle deadline, never past the absolute one. */
  expiresAt(session: BrowserSession): number {
    return Math.min(session.lastSeenAt + this.timeouts.idleMs, session.absoluteExpiresAt);
  }

  private save(handle: string, session: BrowserSession): Promise<void> {
    return this.cache.set(sessionKey(handle), session, Math.max(1, this.expiresAt(session) - Date.now()));
  }

  private async index(userId: string, change: (entries: IndexEntry[]) => IndexEntry[]): Promise<void> {
    const now = Date.now();
    const entries = change((await this.cache.get<IndexEntry[]>(indexKey(userId))) ?? []).filter(
      (entry) => entry.absoluteExpiresAt > now,
    );
    await this.cache.set(indexKey(userId), entries, this.timeouts.absoluteMs);
  }
}

function handleOf(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

const sessionKey = (handle: string) => `session:${handle}`;
const indexKey = (userId: string) => `sessions-of:${userId}`;
