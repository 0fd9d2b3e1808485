import { Injectable } from '@nestjs/common';
import type { Principal } from '../principal/principal';
import type { SessionDto } from './browser-auth.dto';
import type { FoundSession } from './browser-session';
import { BrowserSessions } from './browser-sessions';

/** `GET /auth/session`: what a page needs to know about who is signed in. */
@Injectable()
export class BrowserSessionView {
  constructor(private readonly sessions: BrowserSessions) {}

  describe(principal: Principal, found: FoundSession | undefined): SessionDto {
    const session = found?.session;
    const steppedUpAt = session?.steppedUpAt;
    return {
      user: { id: principal.userId, displayName: principal.displayName, email: principal.email },
      roles: [...principal.roles],
      stepUp: {
        satisfied: principal.stepUp.satisfied,
        ...(principal.stepUp.satisfied && steppedUpAt !== undefined ? { at: new Date(steppedUpAt).toISOString() } : {}),
      },
      ...(session
        ? {
            session: {
              createdAt: new Date(session.createdAt).toISOString(),
              expiresAt: new Date(this.sessions.expiresAt(session)).toISOString(),
              absoluteExpiresAt: new Date(session.absoluteExpiresAt).toISOString(),
              csrfToken: session.csrfToken,
            },
          }
        : {}),
    };
  }
}
