import { AppError } from '../errors/app-error';
import { pointerTo } from '../errors/field-error';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** Cursors are opaque to clients (base64url JSON), so the keyset behind them can change freely. */
export function encodeCursor(position: Record<string, string>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

export function decodeCursor(cursor: string, fields: readonly string[]): Record<string, string> {
  try {
    const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (fields.every((field) => typeof position[field] === 'string')) return position as Record<string, string>;
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
