#!/usr/bin/env node
// `npm run coverage:check`, and the last step of a whole `npm test` run (scripts/test-run.mjs):
// prints lines and branches per library and per pure core from coverage/coverage-summary.json,
// then fails (exit 1) when a pure core is below 95 % of branches or a library fell more than 2
// points below docs/coverage-baseline.json, naming each. ADR 27; docs/testing.md "Test coverage".
// `--summary` and `--baseline` read other files (the script's own specs do).
import { parseArgs } from 'node:util';
import { ALLOWED_DROP, CORE_BRANCH_THRESHOLD, gateFailures, markdownTables } from './lib/coverage-figures.mjs';
import { BASELINE, CoverageInputError, loadBaseline, loadFigures, SUMMARY } from './lib/coverage-files.mjs';

const say = (message) => process.stderr.write(`[coverage] ${message}\n`);
const { values } = parseArgs({
  options: { summary: { type: 'string', default: SUMMARY }, baseline: { type: 'string', default: BASELINE } },
});

try {
  const figures = loadFigures(values.summary);
  const baseline = loadBaseline(values.baseline);
  process.stdout.write(`\n${markdownTables(figures, baseline)}\n`);
  const failures = gateFailures(figures, baseline);
  if (failures.length === 0) {
    say(
      `coverage gates passed: every pure core ≥ ${CORE_BRANCH_THRESHOLD} % of branches, ` +
        `no library more than ${ALLOWED_DROP} points below the baseline`,
    );
  } else {
    for (const failure of failures) say(`FAILED ${failure}`);
    say('Add tests for what is uncovered (docs/testing.md, "Test coverage"); the thresholds are not to be lowered.');
    process.exitCode = 1;
  }
} catch (error) {
  if (!(error instanceof CoverageInputError)) throw error;
  say(`FAILED ${error.message}`);
  process.exitCode = 1;
}
