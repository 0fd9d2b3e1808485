#!/usr/bin/env node
// `npm run sdk:build`: compiles libs/sdk into libs/sdk/dist, what `npm pack` ships and what the
// e2e tests import through the package's entry (`@flowgate/sdk` → its `exports`). The generated
// contract types are a .d.ts that tsc does not copy, so they are copied beside the output.
// `--if-stale` (jest's global setup) does nothing when dist is newer than every input.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sdk = join(root, 'libs', 'sdk');
const dist = join(sdk, 'dist');
const stamp = join(dist, '.built');

function newestInput() {
  const files = [join(sdk, 'package.json'), join(sdk, 'tsconfig.build.json'), join(root, 'tsconfig.json')];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(join(sdk, 'src'));
  return Math.max(...files.map((file) => statSync(file).mtimeMs));
}

if (process.argv.includes('--if-stale') && existsSync(stamp) && statSync(stamp).mtimeMs >= newestInput()) {
  process.exit(0);
}

rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(sdk, 'tsconfig.build.json')],
  {
    stdio: 'inherit',
  },
);
if (tsc.status !== 0) {
  process.stderr.write('sdk:build: tsc failed\n');
  process.exit(tsc.status ?? 1);
}
cpSync(join(sdk, 'src', 'generated', 'openapi.d.ts'), join(dist, 'generated', 'openapi.d.ts'));
writeFileSync(stamp, '');
process.stdout.write(`libs/sdk built into ${dist}\n`);
