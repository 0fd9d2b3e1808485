#!/usr/bin/env node
// `npm run sdk:check`: fails when the committed SDK types are not what openapi.json generates, when
// libs/sdk does not type-check against them (without Node's types: it runs in browsers too), when
// the package's version is not the contract's, or when `npm pack` would ship anything but the
// build. Run `npm run openapi:check` first: this compares against the committed openapi.json,
// whatever the code says.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
  run(bin('tsc'), ['-p', 'libs/sdk/tsconfig.build.json', '--noEmit']);
  process.stdout.write('libs/sdk type-checks.\n');
}

// The SDK is versioned with the contract it was generated from.
if (!process.exitCode) {
  const contractVersion = JSON.parse(readFileSync(CONTRACT, 'utf8')).info.version;
  const sdkVersion = JSON.parse(readFileSync('libs/sdk/package.json', 'utf8')).version;
  if (sdkVersion !== contractVersion) {
    process.stderr.write(
      `libs/sdk/package.json has version ${sdkVersion}, the contract (openapi.json info.version) ${contractVersion}: make them equal.\n`,
    );
    process.exitCode = 1;
  } else {
    process.stdout.write(`libs/sdk is version ${sdkVersion}, as the contract.\n`);
  }
}

// What `npm pack` ships: the build (JavaScript and declarations, the generated contract types
// among them), package.json and README.md; no sources, specs or build stamps.
if (!process.exitCode) {
  run(process.execPath, ['scripts/sdk-build.mjs'], { quiet: true });
  const pack = spawnSync('npm', ['pack', '--dry-run', '--json'], {
    cwd: 'libs/sdk',
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  if (pack.status !== 0) {
    process.stderr.write(`sdk:check: \`npm pack --dry-run\` failed\n${pack.stderr}`);
    process.exit(pack.status ?? 1);
  }
  const shipped = JSON.parse(pack.stdout)[0]
    .files.map((file) => file.path)
    .sort();
  const modules = readdirSync('libs/sdk/src')
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))
    .map((name) => name.slice(0, -'.ts'.length));
  const expected = [
    'README.md',
    'package.json',
    'dist/generated/openapi.d.ts',
    ...modules.flatMap((name) => [`dist/${name}.js`, `dist/${name}.d.ts`]),
  ].sort();
  const extra = shipped.filter((path) => !expected.includes(path));
  const missing = expected.filter((path) => !shipped.includes(path));
  if (extra.length > 0 || missing.length > 0) {
    process.stderr.write(
      `npm pack (libs/sdk) would ship the wrong files.\n  unexpected: ${extra.join(', ') || '-'}\n  missing: ${missing.join(', ') || '-'}\n`,
    );
    process.exitCode = 1;
  } else {
    process.stdout.write(`npm pack ships ${shipped.length} files: the build, package.json and README.md.\n`);
  }
}
