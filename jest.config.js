/**
 * All three tiers in one run (`npm test`), each a jest project (test/setup/jest-tiers.js):
 * `npm run test:unit` needs nothing running; `npm run test:int` and `npm run test:e2e` get their own
 * fresh database and Redis key prefix from scripts/test-run.mjs, as `npm test` does.
 *
 * Coverage (docs/testing.md, ADR 27): what is counted is set here, but it is collected only when
 * asked (`--coverage`), which scripts/test-run.mjs does on a whole `npm test` run. V8's own
 * counters, not Babel instrumentation: the sources run as compiled, and the figures are mapped
 * back to the TypeScript through the source maps SWC and ts-jest already emit.
 */
const { unit, integration, e2e, collectsCoverage } = require('./test/setup/jest-tiers');

/** @type {import('jest').Config} */
module.exports = {
  projects: [unit, integration, e2e],
  // V8's counters slow every test (a whole run took about twice as long with them); an app's start in
  // a `beforeAll` went past 30 s on a loaded machine with them on.
  testTimeout: collectsCoverage ? 60000 : 30000,
  maxWorkers: 2,
  coverageProvider: 'v8',
  collectCoverageFrom: [
    'apps/**/*.ts',
    'libs/**/*.ts',
    '!**/*.d.ts',
    '!**/*.spec.ts',
    '!**/*.int-spec.ts',
    // Test support: the test app's probes, factories and arbitraries are not product code.
    '!libs/testing/**',
    '!libs/*/src/testing/**',
    // Browser code: it runs in Chromium (test/browser), where jest's counters cannot reach.
    '!apps/inbox-page/**',
  ],
  coverageDirectory: '<rootDir>/coverage',
  coverageReporters: ['text-summary', 'json-summary', 'lcov'],
};
