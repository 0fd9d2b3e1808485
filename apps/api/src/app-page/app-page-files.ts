import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Where `npm run build:inbox` (scripts/build-inbox-page.mjs) writes the inbox page. */
export const INBOX_PAGE_DIR = resolve(process.cwd(), 'dist', 'inbox-page');

export interface PageFile {
  readonly body: Buffer;
  readonly contentType: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/**
 * The built page's files, read once each and kept: they change only with a new build, which
 * restarts the server. Names are matched against a fixed pattern before any path is joined, so a
 * request can never reach outside the build folder.
 */
export class AppPageFiles {
  private readonly cache = new Map<string, Promise<PageFile | undefined>>();

  constructor(private readonly dir: string = INBOX_PAGE_DIR) {}

  get(name: string): Promise<PageFile | undefined> {
    const match = /^[a-z][a-z0-9-]{0,40}(\.html|\.js|\.css)$/.exec(name);
    if (!match) return Promise.resolve(undefined);
    let file = this.cache.get(name);
    if (!file) {
      file = readFile(join(this.dir, name)).then(
        (body) => ({ body, contentType: CONTENT_TYPES[match[1]] }),
        () => undefined,
      );
      this.cache.set(name, file);
    }
    return file;
  }
}
