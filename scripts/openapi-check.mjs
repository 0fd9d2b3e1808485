#!/usr/bin/env node
// `npm run openapi:check`: fails when the committed openapi.json is not what the code generates.
// Builds, exports the document to a temporary file and compares bytes; on a difference it says
// how to fix it and shows what changed, so a reviewer of the CI log knows where to look.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const COMMITTED = 'openapi.json';
const EXPORTER = 'dist/apps/api/apps/api/src/openapi/export-openapi.js';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    process.stderr.write(`openapi:check: \`${[command, ...args].join(' ')}\` failed\n`);
    process.exit(result.status ?? 1);
  }
}

/** Which paths and schemas were added, removed or changed: the short answer to "what moved?". */
function summarise(before, after) {
  const lines = [];
  for (const [section, pick] of [
    ['path', (doc) => doc.paths ?? {}],
    ['schema', (doc) => doc.components?.schemas ?? {}],
  ]) {
    const [a, b] = [pick(before), pick(after)];
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(key in a)) lines.push(`  + ${section} ${key}`);
      else if (!(key in b)) lines.push(`  - ${section} ${key}`);
      else if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) lines.push(`  ~ ${section} ${key}`);
    }
  }
  return lines;
}

/** The first differing stretch of lines, a few of each side, like the top of a unified diff. */
function firstHunk(before, after, limit = 12) {
  const [a, b] = [before.split('\n'), after.split('\n')];
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  return [
    `  @@ line ${start + 1} @@`,
    ...a.slice(start, Math.min(endA, start + limit)).map((line) => `  - ${line}`),
    ...b.slice(start, Math.min(endB, start + limit)).map((line) => `  + ${line}`),
  ];
}

const directory = mkdtempSync(join(tmpdir(), 'flowgate-openapi-'));
try {
  run('npm', ['run', '--silent', 'build']);
  const generatedFile = join(directory, 'openapi.json');
  run(process.execPath, [EXPORTER, generatedFile]);
  const generated = readFileSync(generatedFile, 'utf8');
  const committed = existsSync(COMMITTED) ? readFileSync(COMMITTED, 'utf8') : '';
  if (generated === committed) {
    process.stdout.write(`${COMMITTED} is up to date.\n`);
  } else {
    let details;
    try {
      details = summarise(JSON.parse(committed), JSON.parse(generated));
    } catch {
      details = []; // the committed file is missing or not JSON: the hunk below shows that
    }
    process.stderr.write(
      [
        `${COMMITTED} is stale: run npm run openapi and commit it.`,
        ...(details.length ? ['Changed (committed -> generated):', ...details] : []),
        'First difference:',
        ...firstHunk(committed, generated),
        '',
      ].join('\n'),
    );
    process.exitCode = 1;
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}
