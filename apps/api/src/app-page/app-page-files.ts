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
  '.mjs': 'text/javascript; charset=utf-8',
};

/** The page's own files: its HTML, CSS and compiled modules. */
const PAGE_FILE = /^[a-z][a-z0-9-]{0,40}(\.html|\.js|\.css)$/;
/** Mermaid's published ES modules (build-inbox-page.mjs copies them): `mermaid.esm.min.mjs`, `chunk-7QVYJ2KD.mjs`, …; never a slash. */
const MERMAID_MODULE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}(\.mjs)$/;

/** Where Mermaid's entry module and its chunks sit inside the build folder. */
export const MERMAID_DIR = 'mermaid';
export const MERMAID_CHUNKS_DIR = 'mermaid/chunks/mermaid.esm.min';

/**
 * The built page's files, read once each and kept: they change only with a new build, which
 * restarts the server. Names are matched against a fixed pattern before any path is joined, so a
 * request can never reach outside the build folder.
 */
export class AppPageFiles {
  private readonly cache = new Map<string, Promise<PageFile | undefined>>();

  constructor(private readonly dir: string = INBOX_PAGE_DIR) {}

  get(name: string): Promise<PageFile | undefined> {
    return this.read('', name, PAGE_FILE);
  }

  /** A module of Mermaid's build: `folder` is MERMAID_DIR or MERMAID_CHUNKS_DIR, never the caller's text. */
  mermaid(folder: typeof MERMAID_DIR | typeof MERMAID_CHUNKS_DIR, name: string): Promise<PageFile | undefined> {
    return this.read(folder, name, MERMAID_MODULE);
  }

  private read(folder: string, name: string, pattern: RegExp): Promise<PageFile | undefined> {
    const match = pattern.exec(name);
    if (!match) return Promise.resolve(undefined);
    const path = join(folder, name);
    let file = this.cache.get(path);
    if (!file) {
      file = readFile(join(this.dir, path)).then(
        (body) => ({ body, contentType: CONTENT_TYPES[match[1]] }),
        () => undefined,
      );
      this.cache.set(path, file);
    }
    return file;
  }
}
