#!/usr/bin/env node
// `npm run build:inbox`: compiles the inbox page (apps/inbox-page, browser TypeScript with its own
// tsconfig: DOM types, ES modules) into dist/inbox-page and copies its HTML and CSS beside it; the
// API serves that folder at /app. Plain tsc, no bundler: the page is a handful of ES modules the
// browser loads from 'self'. Mermaid (the diagram) is copied as its published ES module build:
// one small entry module and content-hashed chunks, of which the browser loads only those a state
// diagram needs, on demand, when a request is opened. `--if-stale` (jest's global setup, `npm start`) does nothing when
// the output is newer than every input.
import { copyFileSync, cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputsOf, runTsc, upToDate } from './lib/build-steps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const page = join(root, 'apps', 'inbox-page');
const dist = join(root, 'dist', 'inbox-page');
const stamp = join(dist, '.built');
const STATIC_FILES = ['index.html', 'inbox.css'];
const mermaidDist = join(dirname(createRequire(import.meta.url).resolve('mermaid/package.json')), 'dist');
const MERMAID_ENTRY = 'mermaid.esm.min.mjs';
const MERMAID_CHUNKS = join('chunks', 'mermaid.esm.min');

const inputs = inputsOf(
  [
    join(page, 'tsconfig.json'),
    ...STATIC_FILES.map((name) => join(page, name)),
    join(mermaidDist, '..', 'package.json'),
  ],
  [join(page, 'src')],
);
if (upToDate(stamp, inputs)) process.exit(0);

rmSync(dist, { recursive: true, force: true });
runTsc(root, join(page, 'tsconfig.json'), 'build:inbox');
mkdirSync(dist, { recursive: true });
for (const name of STATIC_FILES) copyFileSync(join(page, name), join(dist, name));
mkdirSync(join(dist, 'mermaid'), { recursive: true });
copyFileSync(join(mermaidDist, MERMAID_ENTRY), join(dist, 'mermaid', MERMAID_ENTRY));
cpSync(join(mermaidDist, MERMAID_CHUNKS), join(dist, 'mermaid', MERMAID_CHUNKS), { recursive: true });
writeFileSync(stamp, '');
process.stdout.write(`apps/inbox-page built into ${dist}\n`);
