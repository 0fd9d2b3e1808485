#!/usr/bin/env node
// `npm run coverage:baseline`: writes docs/coverage-baseline.json, the per-library lines and
// branches that the coverage gate compares every run against, from the last whole `npm test`
// run's coverage/coverage-summary.json. Whoever raises a library's coverage runs it and commits
// the file with the tests; CI compares against the file as committed on main (ADR 27). It prints
// every change, so a baseline that goes down is visible here and in review.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ALLOWED_DROP, baselineFrom, MEASURES } from './lib/coverage-figures.mjs';
import { BASELINE, CoverageInputError, loadBaseline, loadFigures, ROOT } from './lib/coverage-files.mjs';

const say = (message) => process.stderr.write(`[coverage] ${message}\n`);

try {
  const previous = loadBaseline();
  const libraries = baselineFrom(loadFigures());
  for (const [library, figure] of Object.entries(libraries)) {
    for (const measure of MEASURES) {
      const before = previous[library]?.[measure];
      if (before === figure[measure]) continue;
      const fell = before !== undefined && figure[measure] < before;
      say(
        `${library} ${measure}: ${before ?? 'new'} → ${figure[measure]} %${fell ? ' (LOWER: is this run whole?)' : ''}`,
      );
    }
  }
  const note =
    'Written by `npm run coverage:baseline` after a whole `npm test` run; the coverage gate fails a run in which a ' +
    `library's lines or branches are more than ${ALLOWED_DROP} points below these. docs/testing.md, ADR 27.`;
  writeFileSync(BASELINE, `${JSON.stringify({ note, libraries }, null, 2)}\n`);
  say(`wrote ${relative(ROOT, BASELINE)}`);
} catch (error) {
  if (!(error instanceof CoverageInputError)) throw error;
  say(error.message);
  process.exitCode = 1;
}
