/**
 * Jest configuration for the benchmark suites (`*.bench.ts` under bench/), run by `npm run bench`
 * (scripts/bench-run.mjs), which provides the database and Redis. It compiles and resolves
 * exactly like the test configuration, whose transform, module mapping and global setup
 * (migrations) it reuses, but runs one suite at a time so that suites never compete for the CPU.
 */
const base = require('../jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  rootDir: '..',
  testEnvironment: base.testEnvironment,
  roots: ['<rootDir>/bench'],
  testRegex: 'bench/.*\\.bench\\.ts$',
  moduleFileExtensions: base.moduleFileExtensions,
  transform: base.transform,
  moduleNameMapper: base.moduleNameMapper,
  globalSetup: base.globalSetup,
  maxWorkers: 1,
  // Each suite also passes its own, computed timeout (see bench/support/bench-settings.ts).
  testTimeout: 10 * 60 * 1000,
};
