#!/usr/bin/env node
// `npm run bench`: finds a PostgreSQL and a Redis exactly as `npm test` does, gives this run its own
// fresh database `flowgate_bench_<id>` and Redis key prefix, runs the benchmark suites
// (bench/**/*.bench.ts) through jest with NODE_ENV=test, and cleans up.
// Arguments are passed on to jest: `npm run bench -- http-pipeline` selects suites by path.
// Settings (BENCH_SECONDS, ...) are described in bench/README.md.
// It builds the API first: suites that compare servers run its production build (dist/) on plain
// Node, in a process of its own (bench/support/server-process.ts).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { runJestWithServices } from './lib/test-services.mjs';

// The load generator of the HTTP suites is Debian's wrk (bench/support/wrk-post.ts): installed
// here when missing, as .ci/run installs Chromium, so the suites run on a fresh machine.
if (!process.env.WRK_PATH && !existsSync('/usr/bin/wrk')) {
  process.stderr.write('npm run bench: installing wrk (apt-get)\n');
  const apt = (...args) => spawnSync('apt-get', args, { stdio: 'inherit' }).status === 0;
  if (!(apt('update', '-qq') && apt('install', '-y', '-qq', 'wrk'))) {
    process.stderr.write('npm run bench: could not install wrk; install it (apt-get install wrk) and run again\n');
    process.exit(1);
  }
}

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
