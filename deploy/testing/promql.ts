import type * as LezerPromql from '@prometheus-io/lezer-promql' with { 'resolution-mode': 'import' };

// The package's type declarations are ES-module only; its CommonJS build (which jest loads) is the same parser.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as typeof LezerPromql;

/** Grafana's template variables, replaced by what they stand for so that PromQL parses. */
const GRAFANA_VARIABLES: [RegExp, string][] = [
  [/\$__rate_interval|\$__interval|\$__range/g, '5m'],
  [/\$\{?[a-z_]+\}?/g, 'x'],
];

export interface ParsedPromql {
  /** The series names the expression selects (`rate(foo_total[5m])` → `foo_total`). */
  readonly selectors: string[];
  /** Offsets of syntax errors; empty when the expression is valid PromQL. */
  readonly errors: number[];
}

/** Parses PromQL with the grammar of Prometheus' own web UI (lezer-promql). */
export function parsePromql(expression: string): ParsedPromql {
  const text = GRAFANA_VARIABLES.reduce((value, [pattern, by]) => value.replace(pattern, by), expression);
  const selectors: string[] = [];
  const errors: number[] = [];
  const tree = parser.parse(text);
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') {
        selectors.push(text.slice(node.from, node.to));
      }
    },
  });
  return { selectors, errors };
}
