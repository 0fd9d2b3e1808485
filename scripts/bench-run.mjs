#!/usr/bin/env node
// `npm run bench`: finds a PostgreSQL and a Redis exactly as `npm test` does, gives this run its own
// fresh database `flowgate_bench_<id>` and Redis key prefix, runs the benchmark suites
// (bench/**/*.bench.ts) through jest with NODE_ENV=test, and cleans up.
// Arguments are passed on to jest: `npm run bench -- http-pipeline` selects suites by path.
// Settings (BENCH_SECONDS, ...) are described in bench/README.md.
import { provideServices, runJest } from './lib/test-services.mjs';

const say = (message) => process.stderr.write(`[npm run bench] ${message}\n`);

async function main() {
  const { env, release } = await provideServices({ database: 'flowgate_bench', keyPrefix: 'flowgate-bench', say });
  try {
    if (!env) return 1;
    const jestArgs = ['--config', 'bench/jest.bench.config.js', ...process.argv.slice(2)];
    return await runJest({ jestArgs, env });
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
