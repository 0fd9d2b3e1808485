/** A key means something only for one caller, one method and one route template. */
export interface IdempotencyScope {
  /** The caller's user id: one per (source, subject), where a `source:subject` join could name two users. */
  readonly principal: string;
  readonly method: string;
  /** The route template (`/v1/users/:id/revoke-sessions`), so one key can serve one resource's route. */
  readonly route: string;
  readonly key: string;
}

/** A completed request's answer, replayed to every retry with the same key. */
export interface StoredResponse {
  readonly fingerprint: string;
  readonly status: number;
  /** The headers worth replaying (`Content-Type`, `Location`, `ETag`, `Content-Location`), lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body exactly as it was sent (JSON text), or null when there was none. */
  readonly body: string | null;
}
