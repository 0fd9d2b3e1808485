#!/usr/bin/env node
// `npm run sdk:build`: compiles libs/sdk into libs/sdk/dist, what `npm pack` ships and what the
// e2e tests import through the package's entry (`@flowgate/sdk` → its `exports`). The generated
// contract types are a .d.ts that tsc does not copy, so they are copied beside the output.
// `--if-stale` (jest's global setup) does nothing when dist is newer than every input.
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputsOf, runTsc, upToDate } from './lib/build-steps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sdk = join(root, 'libs', 'sdk');
const dist = join(sdk, 'dist');
const stamp = join(dist, '.built');

const inputs = inputsOf(
  [join(sdk, 'package.json'), join(sdk, 'tsconfig.build.json'), join(root, 'tsconfig.json')],
  [join(sdk, 'src')],
);
if (upToDate(stamp, inputs)) process.exit(0);

rmSync(dist, { recursive: true, force: true });
runTsc(root, join(sdk, 'tsconfig.build.json'), 'sdk:build');
cpSync(join(sdk, 'src', 'generated', 'openapi.d.ts'), join(dist, 'generated', 'openapi.d.ts'));
writeFileSync(stamp, '');
process.stdout.write(`libs/sdk built into ${dist}\n`);
