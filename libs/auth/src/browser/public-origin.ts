import { AppError, HttpRequest } from '@flowgate/core';
import type { BrowserSignInConfig } from '../config/browser-sign-in.config';

const LOOPBACK_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

/**
 * The origin browsers reach Flowgate at: the configured one, or — in development only, where it
 * may be left unset — the request's own loopback origin, so that `npm start` on any port and tests
 * on free ports work. A request naming another host gets no redirect built from its Host header.
 */
export function publicOriginOf(req: HttpRequest, config: BrowserSignInConfig): string {
  if (config.publicOrigin) return config.publicOrigin;
  const host = req.headers.host ?? '';
  if (!LOOPBACK_HOST.test(host)) {
    throw new AppError(
      'sign_in_failed',
      'Browser sign-in is served on loopback only until BROWSER_PUBLIC_ORIGIN is set.',
    );
  }
  return `http://${host}`;
}
