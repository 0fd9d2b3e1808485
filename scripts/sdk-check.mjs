#!/usr/bin/env node
// `npm run sdk:check`: fails when the committed SDK types are not what openapi.json generates, or
// when libs/sdk does not type-check against them. Run `npm run openapi:check` first: this compares
// against the committed openapi.json, whatever the code says.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CONTRACT = 'openapi.json';
const COMMITTED = 'libs/sdk/src/generated/openapi.d.ts';
const bin = (name) => join('node_modules', '.bin', name);

/** `quiet` drops the tool's stdout (progress banners); its errors still reach stderr. */
function run(command, args, { quiet = false } = {}) {
  const stdio = ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'];
  const result = spawnSync(command, args, { stdio, shell: process.platform === 'win32' });
  if (result.status !== 0) {
    process.stderr.write(`sdk:check: \`${[command, ...args].join(' ')}\` failed\n`);
    process.exit(result.status ?? 1);
  }
}

/** Line number and both sides of the first difference, enough to see what kind of change it is. */
function firstDifference(before, after) {
  const [a, b] = [before.split('\n'), after.split('\n')];
  let line = 0;
  while (line < a.length && line < b.length && a[line] === b[line]) line++;
  return [`  @@ line ${line + 1} @@`, `  - ${a[line] ?? '(end of file)'}`, `  + ${b[line] ?? '(end of file)'}`];
}

const directory = mkdtempSync(join(tmpdir(), 'flowgate-sdk-'));
try {
  // Same tool and arguments as `npm run sdk`, only the destination differs.
  const generatedFile = join(directory, 'openapi.d.ts');
  run(bin('openapi-typescript'), [CONTRACT, '-o', generatedFile], { quiet: true });
  const generated = readFileSync(generatedFile, 'utf8');
  const committed = existsSync(COMMITTED) ? readFileSync(COMMITTED, 'utf8') : '';
  if (generated !== committed) {
    process.stderr.write(
      [
        `${COMMITTED} is stale: run npm run sdk and commit it.`,
        'First difference:',
        ...firstDifference(committed, generated),
        '',
      ].join('\n'),
    );
    process.exitCode = 1;
  } else {
    process.stdout.write(`${COMMITTED} is up to date.\n`);
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}

if (!process.exitCode) {
  run(bin('tsc'), ['-p', 'libs/sdk/tsconfig.lib.json', '--noEmit']);
  process.stdout.write('libs/sdk type-checks.\n');
}
