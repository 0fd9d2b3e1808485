import { parse } from 'yaml';
import { flowgateMetricNames, metricOfSeries, repositoryFile } from '../testing/flowgate-sources';
import { localTool, runTool } from '../testing/local-tool';
import { parsePromql } from '../testing/promql';

interface AlertRule {
  alert: string;
  expr: string;
  labels: { severity: string };
  annotations: { summary: string; runbook_url: string };
}

/** Series Prometheus makes itself, not Flowgate. */
const PROMETHEUS_SERIES = new Set(['up']);

const PROMTOOL = localTool('promtool', 'apt-get download prometheus && dpkg-deb -x prometheus_*.deb .tmp/tools');
const rules = (
  parse(repositoryFile('deploy/monitoring/alerts.yml')) as { groups: { rules: AlertRule[] }[] }
).groups.flatMap((group) => group.rules);
const known = flowgateMetricNames();

function unknownMetrics(expression: string): string[] {
  const { selectors, errors } = parsePromql(expression);
  expect([expression, errors]).toEqual([expression, []]);
  return selectors.filter((series) => !PROMETHEUS_SERIES.has(series) && !known.has(metricOfSeries(series, known)));
}

describe('deploy/monitoring/alerts.yml', () => {
  it('passes promtool check rules, and its unit tests (promtool test rules alerts.test.yml)', () => {
    runTool(PROMTOOL, ['check', 'rules', 'deploy/monitoring/alerts.yml']);
    expect(runTool(PROMTOOL, ['test', 'rules', 'deploy/monitoring/alerts.test.yml'])).toContain('SUCCESS');
  });

  it('alerts on error rate, p99 latency, readiness, outbox lag, dead letters, unsealed audit age and Redis degraded', () => {
    expect(rules.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining([
        'FlowgateHighErrorRate',
        'FlowgateHighLatency',
        'FlowgateNotReady',
        'FlowgateOutboxLag',
        'FlowgateWebhookDeadLetters',
        'FlowgateAuditUnsealed',
        'FlowgateRedisDegraded',
      ]),
    );
  });

  it('has every alert tested by alerts.test.yml', () => {
    const tested = repositoryFile('deploy/monitoring/alerts.test.yml');
    expect(rules.filter((rule) => !tested.includes(`alertname: ${rule.alert}\n`)).map((rule) => rule.alert)).toEqual(
      [],
    );
  });

  it('selects only metrics that Flowgate exposes', () => {
    expect(rules.flatMap((rule) => unknownMetrics(rule.expr))).toEqual([]);
  });

  it('would catch a misspelt metric', () => {
    expect(unknownMetrics('max(webhook_outbox_oldest_pending_second) > 60')).toEqual([
      'webhook_outbox_oldest_pending_second',
    ]);
  });

  it('gives each alert a severity, a summary and a runbook section that exists', () => {
    const headings = new Set(
      [...repositoryFile('docs/runbook.md').matchAll(/^#+ (.+)$/gm)].map(([, heading]) =>
        heading
          .toLowerCase()
          .replace(/[^\w\- ]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const rule of rules) {
      expect([
        rule.alert,
        ['page', 'ticket'].includes(rule.labels.severity),
        rule.annotations.summary.length > 0,
      ]).toEqual([rule.alert, true, true]);
      const [file, anchor] = rule.annotations.runbook_url.split('#');
      expect([rule.alert, file, headings.has(anchor)]).toEqual([rule.alert, 'docs/runbook.md', true]);
    }
  });
});

describe('deploy/monitoring/grafana-dashboard.json', () => {
  const dashboard = JSON.parse(repositoryFile('deploy/monitoring/grafana-dashboard.json')) as {
    panels: { title: string; targets: { expr: string }[] }[];
  };
  const expressions = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));

  it('queries only metrics that Flowgate exposes, in valid PromQL', () => {
    expect(expressions.flatMap((expression) => unknownMetrics(expression))).toEqual([]);
  });

  it('shows the RED metrics and the workflow, timer, webhook and audit metrics', () => {
    const selected = new Set(expressions.flatMap((expression) => parsePromql(expression).selectors));
    expect([...selected]).toEqual(
      expect.arrayContaining([
        'http_request_duration_seconds_count',
        'http_request_duration_seconds_bucket',
        'workflow_transitions_total',
        'workflow_timers_overdue_seconds',
        'webhook_outbox_oldest_pending_seconds',
        'webhook_dead_letters_total',
        'audit_unsealed_seconds',
        'worker_job_runs_total',
      ]),
    );
  });
});
