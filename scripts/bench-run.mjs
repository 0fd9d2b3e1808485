#!/usr/bin/env node
// `npm run bench`: finds a PostgreSQL and a Redis exactly as `npm test` does, gives this run its own
// fresh database `flowgate_bench_<id>` and Redis key prefix, runs the benchmark suites
// (bench/**/*.bench.ts) through jest with NODE_ENV=test, and cleans up.
// Arguments are passed on to jest: `npm run bench -- http-pipeline` selects suites by path.
// Settings (BENCH_SECONDS, ...) are described in bench/README.md.
// It builds the API first: suites that compare servers run its production build (dist/) on plain
// Node, in a process of its own (bench/support/server-process.ts).
import { spawnSync } from 'node:child_process';
import { runJestWithServices } from './lib/test-services.mjs';

const build = spawnSync('npm', ['run', '-s', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
if (build.status !== 0) {
  process.stderr.write('npm run bench: the build failed\n');
  process.exit(build.status ?? 1);
}

await runJestWithServices({
  database: 'flowgate_bench',
  keyPrefix: 'flowgate-bench',
  label: 'npm run bench',
  jestArgs: ['--config', 'bench/jest.bench.config.js', ...process.argv.slice(2)],
});
