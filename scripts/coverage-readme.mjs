#!/usr/bin/env node
// `npm run coverage:readme`: writes the last whole `npm test` run's unit-tier figures (per library and per
// pure core, beside the committed baseline) into README.md between the coverage markers.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { markdownTables } from './lib/coverage-figures.mjs';
import { CoverageInputError, loadBaseline, loadFigures, ROOT } from './lib/coverage-files.mjs';

const README = join(ROOT, 'README.md');
const START = '<!-- coverage:start (npm run coverage:readme) -->';
const END = '<!-- coverage:end -->';
const say = (message) => process.stderr.write(`[coverage] ${message}\n`);

try {
  const tables = markdownTables(loadFigures(), loadBaseline());
  const readme = readFileSync(README, 'utf8');
  const [start, end] = [readme.indexOf(START), readme.indexOf(END)];
  if (start < 0 || end < start) throw new CoverageInputError(`README.md has no "${START}" … "${END}" section`);
  const measured = `The unit tier's figures, as a whole \`npm test\` run measures and gates them (ADR 27), on ${new Date().toISOString().slice(0, 10)}.`;
  const updated = `${readme.slice(0, start + START.length)}\n\n${measured}\n\n${tables}\n${readme.slice(end)}`;
  // Formatted as `npm run lint` (Prettier) wants it: the tables' columns aligned.
  const options = { ...(await prettier.resolveConfig(README)), filepath: README };
  writeFileSync(README, await prettier.format(updated, options));
  say('README.md: coverage figures updated');
} catch (error) {
  if (!(error instanceof CoverageInputError)) throw error;
  say(error.message);
  process.exitCode = 1;
}
