// Turns jest's coverage summary (coverage/coverage-summary.json, per file) into the figures the
// gates read (ADR 27, docs/testing.md "Test coverage"): lines and branches per library
// (libs/<name>, apps/<name>) and per pure core, and the gates themselves. Pure functions: the
// scripts beside (coverage-gate, coverage-baseline, coverage-readme) do the reading and writing.
import { relative, sep } from 'node:path';

/** Branch coverage every pure core must reach (DESIGN §1: they are tested exhaustively). */
export const CORE_BRANCH_THRESHOLD = 95;
/** How far a library's lines or branches may fall below the committed baseline, in points. */
export const ALLOWED_DROP = 2;
/** The two figures reported and compared per library. */
export const MEASURES = ['lines', 'branches'];

/**
 * The pure cores (DESIGN §1, STYLE 5): plain data in, verdicts out, no Nest, no I/O. A path ending
 * in `/` is a folder and takes every file under it; any other path is one file.
 */
export const PURE_CORES = [
  { name: 'engine', paths: ['libs/workflows/src/engine/'] },
  { name: 'definition validator', paths: ['libs/workflows/src/definition/'] },
  // The hierarchy itself, and the mapping of token claims onto it (effective roles, DESIGN §4).
  { name: 'role hierarchy', paths: ['libs/roles/src/role-hierarchy.ts', 'libs/auth/src/roles/role-claim-mapping.ts'] },
  {
    // What an error means (catalogue, AppError, pointers), its problem document, and the mapping
    // of everything else that reaches the filter (framework exceptions, validation errors) onto
    // it. Not the controller, DTOs and Fastify hooks that serve or write problems.
    name: 'problem mapping',
    paths: [
      'libs/core/src/errors/app-error.ts',
      'libs/core/src/errors/error-catalog.ts',
      'libs/core/src/errors/field-error.ts',
      'libs/core/src/errors/problem-details.ts',
      'libs/core/src/http/exception-to-app-error.ts',
      'libs/core/src/http/validation/validation-errors.ts',
    ],
  },
];

/** `libs/<name>` or `apps/<name>` for a repository-relative path, undefined for anything else. */
export function libraryOf(path) {
  const match = /^(libs|apps)\/([^/]+)\//.exec(path);
  return match ? `${match[1]}/${match[2]}` : undefined;
}

/** Whether a repository-relative path belongs to a core's paths. */
export function inCore(core, path) {
  return core.paths.some((entry) => (entry.endsWith('/') ? path.startsWith(entry) : path === entry));
}

/** A percentage to two decimals, as istanbul reports it; nothing to cover counts as 100 %. */
export function percent({ covered, total }) {
  return total === 0 ? 100 : Math.round((covered / total) * 10_000) / 100;
}

function tally(entries) {
  const figure = {};
  for (const measure of MEASURES) {
    const covered = entries.reduce((sum, entry) => sum + entry[measure].covered, 0);
    const total = entries.reduce((sum, entry) => sum + entry[measure].total, 0);
    figure[measure] = { covered, total, pct: percent({ covered, total }) };
  }
  return { files: entries.length, ...figure };
}

/**
 * `summary`: jest's json-summary (absolute file paths, plus `total`). Resolves to `{ libraries,
 * cores }`, each name → `{ files, lines, branches }` with `{ covered, total, pct }`; libraries in
 * name order, cores in PURE_CORES order.
 */
export function figuresFrom(summary, root) {
  const files = Object.entries(summary)
    .filter(([file]) => file !== 'total')
    .map(([file, entry]) => ({ path: relative(root, file).split(sep).join('/'), entry }));
  const byLibrary = new Map();
  for (const { path, entry } of files) {
    const library = libraryOf(path);
    if (library) byLibrary.set(library, [...(byLibrary.get(library) ?? []), entry]);
  }
  const libraries = Object.fromEntries(
    [...byLibrary.keys()].sort().map((library) => [library, tally(byLibrary.get(library))]),
  );
  const cores = Object.fromEntries(
    PURE_CORES.map((core) => [
      core.name,
      tally(files.filter(({ path }) => inCore(core, path)).map(({ entry }) => entry)),
    ]),
  );
  return { libraries, cores };
}

/** What the baseline file keeps: per library, the percentages only. */
export function baselineFrom(figures) {
  return Object.fromEntries(
    Object.entries(figures.libraries).map(([library, figure]) => [
      library,
      Object.fromEntries(MEASURES.map((measure) => [measure, figure[measure].pct])),
    ]),
  );
}

/**
 * The gates. Resolves to a list of failures, each a sentence naming the library or core, its
 * figure and the threshold; empty when everything passes.
 * - every pure core: branches ≥ CORE_BRANCH_THRESHOLD, and at least one file (a core whose files
 *   moved must not pass by measuring nothing);
 * - every library in the baseline: lines and branches no more than ALLOWED_DROP points below it,
 *   and still measured. Libraries new since the baseline have nothing to drop from.
 */
export function gateFailures(figures, baseline) {
  const failures = [];
  for (const [name, figure] of Object.entries(figures.cores)) {
    if (figure.files === 0) {
      failures.push(`pure core "${name}": no file of it was measured; its paths in scripts/lib/coverage-figures.mjs are stale`); // prettier-ignore
    } else if (figure.branches.pct < CORE_BRANCH_THRESHOLD) {
      failures.push(
        `pure core "${name}": branches ${figure.branches.pct} % (${figure.branches.covered}/${figure.branches.total}), below the ${CORE_BRANCH_THRESHOLD} % it must reach`,
      );
    }
  }
  for (const [library, base] of Object.entries(baseline)) {
    const figure = figures.libraries[library];
    if (!figure) {
      failures.push(
        `${library}: in the baseline but not measured in this run (removed? run npm run coverage:baseline)`,
      );
      continue;
    }
    for (const measure of MEASURES) {
      const floor = Math.round((base[measure] - ALLOWED_DROP) * 100) / 100;
      if (figure[measure].pct < floor) {
        failures.push(
          `${library}: ${measure} ${figure[measure].pct} %, more than ${ALLOWED_DROP} points below the baseline's ${base[measure]} % (floor ${floor} %)`,
        );
      }
    }
  }
  return failures;
}

/** The figures as Markdown tables (README "Test coverage", the gate's report). */
export function markdownTables(figures, baseline = {}) {
  const row = (cells) => `| ${cells.join(' | ')} |`;
  const pct = (figure) => `${figure.pct.toFixed(2)} %`;
  const libraries = [
    row(['Library', 'Lines', 'Branches', 'Baseline (lines / branches)']),
    row(['---', '--:', '--:', '--:']),
    ...Object.entries(figures.libraries).map(([library, figure]) =>
      row([
        `\`${library}\``,
        pct(figure.lines),
        pct(figure.branches),
        baseline[library] ? `${baseline[library].lines} / ${baseline[library].branches}` : 'new',
      ]),
    ),
  ];
  const cores = [
    row(['Pure core', 'Lines', `Branches (gate: ≥ ${CORE_BRANCH_THRESHOLD} %)`, 'Files']),
    row(['---', '--:', '--:', '--:']),
    ...Object.entries(figures.cores).map(([core, figure]) =>
      row([core, pct(figure.lines), pct(figure.branches), String(figure.files)]),
    ),
  ];
  return `${libraries.join('\n')}\n\n${cores.join('\n')}\n`;
}
