import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Metrics } from '@flowgate/core';

/** The repository root, whatever folder a deploy spec lives in. */
export const REPOSITORY_ROOT = join(__dirname, '..', '..');

export function repositoryFile(path: string): string {
  return readFileSync(join(REPOSITORY_ROOT, path), 'utf8');
}

/** Production TypeScript under apps/ and libs/ (no specs, no test helpers), as [path, text]. */
function productionSources(): [string, string][] {
  const files: [string, string][] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!['node_modules', 'testing', 'inbox-page', 'sdk'].includes(entry.name)) walk(path);
      } else if (/(?<!\.(spec|int-spec|e2e-spec))\.ts$/.test(entry.name)) {
        files.push([relative(REPOSITORY_ROOT, path), readFileSync(path, 'utf8')]);
      }
    }
  };
  walk(join(REPOSITORY_ROOT, 'apps'));
  walk(join(REPOSITORY_ROOT, 'libs'));
  return files;
}

/**
 * Every environment variable the configuration reads: the names passed to an `EnvReader` method
 * (`env.integer('PORT', …)`) in the config modules, the only code that reads the environment.
 */
export function flowgateSettingNames(): Set<string> {
  const names = new Set<string>();
  for (const [, text] of productionSources()) {
    for (const match of text.matchAll(/\benv\.[a-zA-Z]+\(\s*'([A-Z][A-Z0-9_]*)'/g)) names.add(match[1]);
  }
  return names;
}

/**
 * Every metric name Flowgate exposes: prom-client's default process metrics and the HTTP
 * histogram (from a real `Metrics` registry), and every snake_case name a file that imports
 * prom-client declares (the feature metrics, created with their providers).
 */
export function flowgateMetricNames(): Set<string> {
  const names = new Set<string>();
  for (const metric of new Metrics().registry.getMetricsAsArray()) names.add(metric.name);
  for (const [, text] of productionSources()) {
    if (!text.includes("from 'prom-client'")) continue;
    for (const match of text.matchAll(/'([a-z][a-z0-9]*(?:_[a-z0-9]+)+)'/g)) names.add(match[1]);
  }
  return names;
}

/** A series name as exposed (`_bucket`, `_sum`, `_count` of a histogram) to its metric's name. */
export function metricOfSeries(series: string, known: Set<string>): string {
  if (known.has(series)) return series;
  const base = series.replace(/_(bucket|sum|count)$/, '');
  return known.has(base) ? base : series;
}
