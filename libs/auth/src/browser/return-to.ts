import { AppError } from '@flowgate/core';
import { hasControlCharacters } from '../verification/control-characters';

/** Where a sign-in lands when the page did not say. */
export const DEFAULT_RETURN_TO = '/app';

/**
 * Where the browser goes after signing in: a path on Flowgate itself, or an absolute URL on one of
 * the configured app origins. Anything else would make sign-in an open redirector (a phishing
 * page's "sign in with your company account" that lands on the phisher). Protocol-relative
 * (`//host`), backslash (`/\host`, which browsers read as `//host`) and control characters are
 * refused before the URL is even parsed.
 */
export function checkedReturnTo(
  value: string | undefined,
  ownOrigin: string,
  allowedOrigins: readonly string[],
): string {
  if (value === undefined || value === '') return DEFAULT_RETURN_TO;
  if (hasControlCharacters(value) || value.includes('\\') || value.length > 2000) throw notAllowed();
  if (value.startsWith('/')) {
    if (value.startsWith('//')) throw notAllowed();
    const url = new URL(value, ownOrigin);
    if (url.origin !== ownOrigin) throw notAllowed();
    return `${url.pathname}${url.search}${url.hash}`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw notAllowed();
  }
  if (url.origin !== ownOrigin && !allowedOrigins.includes(url.origin)) throw notAllowed();
  return url.toString();
}

function notAllowed(): AppError {
  return new AppError('return_to_not_allowed', 'returnTo must be a Flowgate path or an address of an allowed app.');
}
