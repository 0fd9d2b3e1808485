/**
 * `npm run test:unit`: the unit tier alone (test/setup/jest-tiers.js), with no global setup, so it
 * needs no database, no Redis and no `npm test` wrapper. A configuration of its own rather than
 * `--selectProjects unit`, which would take the paths given after it as more project names.
 */
const { unit } = require('./jest-tiers');

/** @type {import('jest').Config} */
module.exports = { ...unit, testTimeout: 30000, maxWorkers: 2 };
