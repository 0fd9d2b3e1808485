/**
 * Jest configuration for the benchmark suites (`*.bench.ts` under bench/), run by `npm run bench`
 * (scripts/bench-run.mjs), which provides the database and Redis. It compiles and resolves
 * exactly like the end-to-end tier, whose transform, module mapping and global setup (migrations)
 * it reuses, but runs one suite at a time so that suites never compete for the CPU.
 */
const { e2e } = require('../test/setup/jest-tiers');

/** @type {import('jest').Config} */
module.exports = {
  ...e2e,
  displayName: 'bench',
  roots: ['<rootDir>/bench'],
  testRegex: 'bench/.*\\.bench\\.ts$',
  maxWorkers: 1,
  // Each suite also passes its own, computed timeout (see bench/support/bench-settings.ts).
  testTimeout: 10 * 60 * 1000,
};
