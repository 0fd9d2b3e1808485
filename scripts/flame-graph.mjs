#!/usr/bin/env node
// Turns a V8 CPU profile (`node --cpu-prof`, a .cpuprofile file) into a flame graph (SVG) and
// prints where the time went, by component: `node scripts/flame-graph.mjs <profile> [<out.svg>]`.
// Samples before the first HTTP request are left out: `--cpu-prof` records the whole process, and
// its start-up (module loading, the OpenAPI document) says nothing about the cost of a request.
// Offline and dependency-free on purpose: the usual tools fetch viewers or need Perl.
// docs/performance.md says how the committed graphs were made.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';

const [profilePath, svgPath] = process.argv.slice(2);
if (!profilePath) {
  process.stderr.write('usage: node scripts/flame-graph.mjs <profile.cpuprofile> [<out.svg>]\n');
  process.exit(2);
}

const profile = JSON.parse(readFileSync(profilePath, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, { ...node, selfUs: 0, totalUs: 0 }]));

const parentOf = new Map();
for (const node of byId.values()) for (const child of node.children ?? []) parentOf.set(child, node.id);
const servesRequest = (id) => {
  for (let at = id; at !== undefined; at = parentOf.get(at)) {
    const { functionName, url } = byId.get(at).callFrame;
    if (functionName === 'routeHandler' && url.includes('/fastify/lib/route.js')) return true;
  }
  return false;
};
const firstRequest = profile.samples.findIndex(servesRequest);
if (firstRequest < 0) {
  process.stderr.write(`${profilePath}: no sample serves an HTTP request (fastify's routeHandler)\n`);
  process.exit(1);
}

// Each sample's time belongs to the node it hit; timeDeltas[i] is the time before sample i.
profile.samples.forEach((id, index) => {
  if (index < firstRequest) return;
  const next = profile.timeDeltas[index + 1] ?? 0;
  byId.get(id).selfUs += Math.max(0, next);
});
const root = byId.get(profile.nodes[0].id);
(function total(node) {
  node.totalUs = node.selfUs + (node.children ?? []).reduce((sum, id) => sum + total(byId.get(id)), 0);
  return node.totalUs;
})(root);

/** Where a frame's code lives, in words a reader of the table knows. */
function componentOf(frame) {
  const { url, functionName } = frame.callFrame;
  if (functionName === '(idle)') return 'idle (waiting for I/O)';
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(program)') return 'V8 and native code';
  if (functionName === '(root)') return 'root';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return dependency[1];
  const own = /dist\/apps\/[^/]+\/(libs\/[^/]+|apps\/[^/]+)/.exec(url);
  if (own) return `flowgate ${own[1]}`;
  if (url.startsWith('node:') || url === '' || !url.includes('/')) return 'node core';
  return url;
}

const busyUs =
  root.totalUs -
  [...byId.values()]
    .filter((node) => node.callFrame.functionName === '(idle)')
    .reduce((sum, node) => sum + node.selfUs, 0);
const bySelf = new Map();
for (const node of byId.values()) {
  const component = componentOf(node);
  if (component.startsWith('idle') || component === 'root') continue;
  bySelf.set(component, (bySelf.get(component) ?? 0) + node.selfUs);
}
const rows = [...bySelf.entries()].sort((a, b) => b[1] - a[1]).filter(([, us]) => us / busyUs >= 0.005);
process.stdout.write(
  `${basename(profilePath)}: ${(busyUs / 1e6).toFixed(1)} s busy of ${(root.totalUs / 1e6).toFixed(1)} s\n`,
);
process.stdout.write('| component (self time) | share of busy time |\n|---|---|\n');
for (const [component, us] of rows) process.stdout.write(`| ${component} | ${((100 * us) / busyUs).toFixed(1)} % |\n`);
const byFrame = new Map();
for (const node of byId.values()) {
  if (node.callFrame.functionName === '(idle)' || node.selfUs === 0) continue;
  byFrame.set(label(node), (byFrame.get(label(node)) ?? 0) + node.selfUs);
}
process.stdout.write('\n| hottest frames (self time) | share of busy time |\n|---|---|\n');
for (const [frame, us] of [...byFrame.entries()].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
  process.stdout.write(`| ${frame} | ${((100 * us) / busyUs).toFixed(1)} % |\n`);
}

if (svgPath) {
  writeFileSync(svgPath, flameGraphSvg(root, busyUs));
  process.stdout.write(`flame graph: ${svgPath}\n`);
}

/**
 * Icicle-style flame graph: the root on top, callees below, widths proportional to total time,
 * idle left out (so 100 % is the time the process was busy). Frames narrower than 0.1 % are dropped.
 */
function flameGraphSvg(rootNode, totalUs) {
  const width = 1600;
  const rowHeight = 16;
  const minUs = totalUs * 0.001;
  const rects = [];
  let depthMax = 0;
  function place(node, x, depth) {
    let cursor = x;
    const children = (node.children ?? [])
      .map((id) => byId.get(id))
      .filter((child) => child.callFrame.functionName !== '(idle)' && child.totalUs >= minUs)
      .sort((a, b) => label(a).localeCompare(label(b)));
    for (const child of children) {
      const w = (child.totalUs / totalUs) * width;
      rects.push({ node: child, x: cursor, y: depth * rowHeight, w });
      depthMax = Math.max(depthMax, depth);
      place(child, cursor, depth + 1);
      cursor += w;
    }
  }
  place(rootNode, 0, 1);
  const height = (depthMax + 2) * rowHeight + 24;
  const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const body = rects
    .map(({ node, x, y, w }) => {
      const name = label(node);
      const share = ((100 * node.totalUs) / totalUs).toFixed(1);
      const text = w > 40 ? `<text x="${(x + 3).toFixed(1)}" y="${y + 12}">${escape(fit(name, w))}</text>` : '';
      return (
        `<g><title>${escape(`${name} — ${componentOf(node)} — ${share} %`)}</title>` +
        `<rect x="${x.toFixed(1)}" y="${y}" width="${Math.max(w - 0.5, 0.1).toFixed(1)}" height="${rowHeight - 1}" ` +
        `fill="${colourOf(componentOf(node))}"/>${text}</g>`
      );
    })
    .join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="monospace" font-size="11">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="4" y="12">${escape(basename(profilePath))}: busy time ${(totalUs / 1e6).toFixed(1)} s = full width; hover a frame for its component and share</text>`,
    body,
    '</svg>',
    '',
  ].join('\n');
}

function label(node) {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url ? ` ${url.split('/').slice(-1)[0]}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'}${file}`;
}

function fit(text, pixels) {
  const chars = Math.floor((pixels - 6) / 6.6);
  return text.length <= chars ? text : `${text.slice(0, Math.max(chars - 1, 1))}…`;
}

/** A stable colour per component, so the same library has the same colour in every graph. */
function colourOf(component) {
  let hash = 0;
  for (const char of component) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return `hsl(${hash % 360}, 60%, ${70 + (hash % 15)}%)`;
}
