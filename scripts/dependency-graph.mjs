#!/usr/bin/env node
// `npm run docs:graph`: draws who imports whom among the app and the libraries, from
// dependency-cruiser's view of the code (the same as `npm run lint:boundaries` checks), as a
// Mermaid diagram in docs/architecture.md between the two markers below. `--check` (run by
// `npm run lint:boundaries`, so by CI) fails when the committed diagram is not the code's.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const DOC = 'docs/architecture.md';
const BEGIN = '<!-- dependency-graph:begin (npm run docs:graph) -->';
const END = '<!-- dependency-graph:end -->';
const TEST_CODE = /\.(spec|int-spec|e2e-spec)\.ts$|^libs\/[^/]+\/src\/testing\//;

const cruise = spawnSync(
  process.execPath,
  ['node_modules/dependency-cruiser/bin/dependency-cruise.mjs', 'apps', 'libs', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], // prettier-ignore
  { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
);
if (cruise.status !== 0 && !cruise.stdout) {
  process.stderr.write(cruise.stderr);
  process.exit(cruise.status ?? 1);
}
const { modules } = JSON.parse(cruise.stdout);

/** `apps/api/...` → `api`, `libs/core/...` → `core`; nothing for node_modules and the like. */
const unitOf = (path) => /^(?:apps|libs)\/([^/]+)\//.exec(path)?.[1];
/** Units under apps/ (the API, the worker, the inbox page), labelled and coloured as apps. */
const apps = new Set(modules.map((module) => /^apps\/([^/]+)\//.exec(module.source)?.[1]).filter(Boolean));

const units = new Set();
const edges = new Map(); // "from to" → test-only?
for (const module of modules) {
  const from = unitOf(module.source);
  if (!from) continue;
  units.add(from);
  const testOnly = TEST_CODE.test(module.source) || from === 'testing';
  // Specs may reach anything; the picture is of what ships (and of libs/testing, dashed).
  if (TEST_CODE.test(module.source) && from !== 'testing') continue;
  for (const dependency of module.dependencies) {
    const to = unitOf(dependency.resolved);
    if (!to || to === from) continue;
    const key = `${from} ${to}`;
    edges.set(key, (edges.get(key) ?? true) && testOnly);
  }
}

const kind = (unit) => (apps.has(unit) ? 'app' : unit === 'testing' ? 'test' : 'lib');
const label = (unit) => (apps.has(unit) ? `apps/${unit}` : `libs/${unit}`);
const lines = [
  '```mermaid',
  'flowchart TD',
  ...[...units].sort().map((unit) => `  ${unit}["${label(unit)}"]:::${kind(unit)}`),
  ...[...edges]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, testOnly]) => `  ${key.replace(' ', testOnly ? ' -.-> ' : ' --> ')}`),
  '  classDef app fill:#dbeafe,stroke:#1d4ed8',
  '  classDef lib fill:#f3f4f6,stroke:#374151',
  '  classDef test fill:#fef3c7,stroke:#b45309,stroke-dasharray: 4 3',
  '```',
];
const graph = `${BEGIN}\n\n${lines.join('\n')}\n\n${END}`;

const doc = readFileSync(DOC, 'utf8');
const start = doc.indexOf(BEGIN);
const end = doc.indexOf(END);
if (start < 0 || end < start) {
  process.stderr.write(`docs:graph: ${DOC} has no ${BEGIN} … ${END} section\n`);
  process.exit(1);
}
const updated = doc.slice(0, start) + graph + doc.slice(end + END.length);
if (process.argv.includes('--check')) {
  if (updated !== doc) {
    process.stderr.write(`docs:graph: the dependency graph in ${DOC} is out of date; run \`npm run docs:graph\`\n`);
    process.exit(1);
  }
  process.stdout.write(`docs:graph: the dependency graph in ${DOC} matches the code\n`);
} else {
  writeFileSync(DOC, updated);
  process.stdout.write(`docs:graph: wrote the dependency graph into ${DOC}\n`);
}
