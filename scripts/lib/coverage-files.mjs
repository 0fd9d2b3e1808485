// Where the coverage figures live on disk, and reading them with messages that say what to do.
// Shared by scripts/coverage-gate.mjs, coverage-baseline.mjs and coverage-readme.mjs.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { figuresFrom } from './coverage-figures.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** jest's json-summary of the last run with coverage (coverage/ is gitignored). */
export const SUMMARY = join(ROOT, 'coverage', 'coverage-summary.json');
/** Committed: the per-library figures the gate compares against (ADR 27). */
export const BASELINE = join(ROOT, 'docs', 'coverage-baseline.json');

export class CoverageInputError extends Error {}

/** The figures of a coverage summary; throws CoverageInputError when there is none. */
export function loadFigures(summaryPath = SUMMARY) {
  if (!existsSync(summaryPath)) {
    throw new CoverageInputError(
      `no coverage summary at ${summaryPath}: a whole \`npm test\` run writes it (a narrowed run only with --coverage)`,
    );
  }
  return figuresFrom(JSON.parse(readFileSync(summaryPath, 'utf8')), ROOT);
}

/** The baseline's libraries (`{ "libs/core": { lines, branches } }`); `{}` when there is no file yet. */
export function loadBaseline(baselinePath = BASELINE) {
  if (!existsSync(baselinePath)) return {};
  return JSON.parse(readFileSync(baselinePath, 'utf8')).libraries;
}
