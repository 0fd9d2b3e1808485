import { applyDecorators, Header } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

/**
 * What a successful GET may do in caches (RFC 9111), by kind of representation. Every request but
 * the public ones carries `Authorization`, which already keeps shared caches out (§3.5); these say
 * what the browser's own cache may do, and say it explicitly for proxies that ignore that rule.
 */
export const CACHE_POLICIES = {
  /** Depends on who asks and has no validator: never stored anywhere. The default. */
  noStore: 'no-store',
  /** Has an ETag and may change, and who may see it can change too: stored by the caller's own cache
   * only, and revalidated on every use (`If-None-Match` → 304), so the authority check runs each time. */
  revalidate: 'private, no-cache',
  /** Never changes (a published definition version): the caller's own cache may keep it for a day. */
  immutable: 'private, max-age=86400, immutable',
  /** The same for everyone and public (the error catalogue): any cache, for an hour. */
  public: 'public, max-age=3600',
} as const;

export type CachePolicy = (typeof CACHE_POLICIES)[keyof typeof CACHE_POLICIES];

/** Sent on successful GETs of routes that declare nothing (`http-hooks.ts`), and documented so. */
export const DEFAULT_CACHE_CONTROL: CachePolicy = CACHE_POLICIES.noStore;

/**
 * Declares a GET route's `Cache-Control` on success: the header, and `x-cache-control` for the
 * OpenAPI builder, which documents it on the route's 2xx and 304 answers. Problems always carry
 * `no-store` (ProblemResponder).
 */
export function CacheControl(policy: CachePolicy) {
  return applyDecorators(Header('Cache-Control', policy), ApiExtension('x-cache-control', policy));
}
