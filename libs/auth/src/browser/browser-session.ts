/** What MSAL needs to find the session's tokens again (its `AccountInfo`, minus display data). */
export interface SessionAccount {
  readonly homeAccountId: string;
  readonly environment: string;
  readonly tenantId: string;
  readonly username: string;
  readonly localAccountId: string;
}

/** A browser session as the store keeps it. Times are milliseconds since the epoch. */
export interface BrowserSession {
  readonly userId: string;
  readonly account: SessionAccount;
  /** Random per sign-in: with the account, names the session's partition of MSAL's token cache. */
  readonly cachePartition: string;
  /** Required in `X-CSRF-Token` on the session's writes. */
  readonly csrfToken: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly absoluteExpiresAt: number;
  /** When the person signed in (seconds): what revocations are compared with. */
  readonly authenticatedAtSeconds: number;
  /** When this sign-in met the step-up policy, if it did. */
  readonly steppedUpAt: number | undefined;
}

/** A session found by its cookie: its record and the handle the store knows it by. */
export interface FoundSession {
  /** SHA-256 of the cookie value: the store never holds the cookie itself. */
  readonly handle: string;
  readonly session: BrowserSession;
}
