/**
 * All three tiers in one run (`npm test`), each a jest project (test/setup/jest-tiers.js):
 * `npm run test:unit` needs nothing running; `npm run test:int` and `npm run test:e2e` get their own
 * fresh database and Redis key prefix from scripts/test-run.mjs, as `npm test` does.
 */
const { unit, integration, e2e } = require('./test/setup/jest-tiers');

/** @type {import('jest').Config} */
module.exports = {
  projects: [unit, integration, e2e],
  testTimeout: 30000,
  maxWorkers: 2,
};
