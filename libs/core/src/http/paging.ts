import { AppError } from '../errors/app-error';
import { pointerTo } from '../errors/field-error';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** Cursors are opaque to clients (base64url JSON), so the keyset behind them can change freely. */
export function encodeCursor(position: Record<string, string>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/** Checks for the values a cursor may carry: a cursor is client input like any other. */
export const CURSOR_VALUE = {
  isoMillis: (value: string) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) && !Number.isNaN(Date.parse(value)),
  uuid: (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value),
} as const;

/**
 * Decodes a cursor whose fields must pass the given checks; anything else (including a forged
 * cursor with the right keys but values the database cannot read) is a 400, never a 500.
 */
export function decodeCursor<K extends string>(
  cursor: string,
  fields: Readonly<Record<K, (value: string) => boolean>>,
): Record<K, string> {
  try {
    const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const valid = (Object.entries(fields) as [K, (value: string) => boolean][]).every(
      ([field, check]) => typeof position[field] === 'string' && check(position[field]),
    );
    if (valid) return position as Record<K, string>;
  } catch {
    // fall through to the problem below
  }
  throw new AppError('validation_failed', 'The cursor is not one this API issued; start from the first page.', {
    errors: [{ pointer: pointerTo('query', 'cursor'), detail: 'cursor is malformed', code: 'invalid_cursor' }],
  });
}

/** The absolute URL of the next page: the current request's URL with the cursor replaced. */
export function nextLinkFor(requestUrl: string, cursor: string): string {
  const url = new URL(requestUrl);
  url.searchParams.set('cursor', cursor);
  return url.toString();
}
