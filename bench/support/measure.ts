import autocannon from 'autocannon';
import type { BenchSettings } from './bench-settings';

/** One request shape to drive: a route, or the same route on a differently configured app. */
export interface Target {
  /** Shown in the results table. */
  readonly name: string;
  readonly url: string;
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /**
   * Replace every `[<id>]` in the request (URL, headers, body) with a fresh id per request,
   * e.g. `headers: { 'Idempotency-Key': '[<id>]' }` for a key that is never replayed.
   */
  readonly idReplacement?: boolean;
}

export interface RunOptions {
  readonly connections: number;
  /** Run for this many seconds... */
  readonly seconds?: number;
  /** ...or until this many requests have completed (takes precedence). */
  readonly amount?: number;
}

export interface Measurement {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Responses received, whatever their status. */
  readonly responses: number;
  /** Average size of a response on the wire, headers included. */
  readonly bytesPerResponse: number;
  readonly non2xx: number;
  /** Connection errors and timeouts: requests that got no response at all. */
  readonly errors: number;
  /** Responses per status code, e.g. `{ '200': 81234 }`. */
  readonly statusCodes: Readonly<Record<string, number>>;
  /** The server process's CPU time per response, in µs, when the run knew its pid (`withServerCpu`). */
  readonly serverCpuUsPerResponse?: number;
  /** The server process's write system calls per response (socket writes), likewise. */
  readonly serverWritesPerResponse?: number;
}

/**
 * Drives `target` with autocannon and summarises the run. autocannon runs in a worker thread,
 * so the load generator does not share the event loop of the app it measures (which runs in
 * this thread). Latencies include every response, non-2xx too, and have 1 ms resolution.
 */
export async function measure(target: Target, options: RunOptions): Promise<Measurement> {
  const result = await run({
    url: target.url,
    method: target.method ?? 'GET',
    headers: target.headers ? { ...target.headers } : undefined,
    body: target.body,
    idReplacement: target.idReplacement,
    connections: options.connections,
    duration: options.seconds,
    amount: options.amount,
    workers: 1,
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) {
    statusCodes[code] = stats.count ?? 0;
  }
  const responses = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  return {
    // Completed responses over the run's wall time, not autocannon's per-second sample average,
    // which undercounts the last, partial second.
    requestsPerSecond: result.duration > 0 ? responses / result.duration : 0,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    responses,
    bytesPerResponse: responses > 0 ? result.throughput.total / responses : 0,
    non2xx: result.non2xx,
    errors: result.errors,
    statusCodes,
  };
}

/** How long a timed run may overrun before it is stopped as stuck; runs by amount get longer. */
const OVERRUN_MS = 60_000;
const AMOUNT_RUN_LIMIT_MS = 10 * 60_000;

/**
 * autocannon with a watchdog: a run whose worker dies or never reports would otherwise leave
 * the suite (and `npm run bench`) waiting forever on a live thread.
 */
function run(options: autocannon.Options): Promise<autocannon.Result> {
  const limitMs = options.amount ? AMOUNT_RUN_LIMIT_MS : Number(options.duration ?? 10) * 1000 + OVERRUN_MS;
  let watchdog: NodeJS.Timeout | undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error: unknown, result: autocannon.Result) =>
      error
        ? reject(error instanceof Error ? error : new Error(`autocannon failed: ${JSON.stringify(error)}`))
        : resolve(result),
    );
    instance.on('error', reject);
    watchdog = setTimeout(() => {
      instance.stop();
      reject(new Error(`autocannon did not finish ${options.url} within ${limitMs / 1000} s`));
    }, limitMs);
  });
  return finished.finally(() => clearTimeout(watchdog));
}

/** The rounds of one variant and their medians. */
export interface VariantResult {
  readonly target: Target;
  readonly runs: readonly Measurement[];
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly bytesPerResponse: number;
  /** Median of the rounds' server CPU per response (µs); undefined when not measured. */
  readonly serverCpuUsPerResponse?: number;
  /** Median of the rounds' server write system calls per response; undefined when not measured. */
  readonly serverWritesPerResponse?: number;
  /** (max - min) / median of the rounds' requests/second: how noisy this variant's runs were. */
  readonly spread: number;
  /** Totals over all measured runs. */
  readonly non2xx: number;
  readonly errors: number;
  readonly statusCodes: Readonly<Record<string, number>>;
}

export interface InterleaveOptions {
  /** Called after every run, warm-up included: e.g. to drop captured log lines. */
  readonly afterRun?: () => void;
}

/**
 * Measures every target `settings.rounds` times, interleaved and rotated (ABC, BCA, CAB, ...),
 * after one unmeasured warm-up run each. On a shared, noisy machine a slow spell then hits
 * every variant alike instead of one variant's whole series; the medians shrug off outliers.
 */
export function interleave(
  targets: readonly Target[],
  settings: BenchSettings,
  options: InterleaveOptions = {},
): Promise<VariantResult[]> {
  const connections = settings.connections;
  return interleaveRuns(
    targets.map((target) => ({ target, run: (seconds: number) => measure(target, { connections, seconds }) })),
    settings,
    options,
  );
}

/** A variant measured by any means (autocannon, wrk, SQL clients): one run of `seconds`. */
export interface RunnableVariant {
  readonly target: Target;
  run(seconds: number): Promise<Measurement>;
}

/** `interleave`'s schedule (warm-up each, then rotated rounds) for variants that run themselves. */
export async function interleaveRuns(
  variants: readonly RunnableVariant[],
  settings: BenchSettings,
  options: InterleaveOptions = {},
): Promise<VariantResult[]> {
  for (const variant of variants) {
    await variant.run(settings.warmupSeconds);
    options.afterRun?.();
  }
  const runs: Measurement[][] = variants.map(() => []);
  for (let round = 0; round < settings.rounds; round += 1) {
    for (let slot = 0; slot < variants.length; slot += 1) {
      const index = (round + slot) % variants.length;
      runs[index].push(await variants[index].run(settings.seconds));
      options.afterRun?.();
    }
  }
  return variants.map((variant, index) => summarise(variant.target, runs[index]));
}

export function summarise(target: Target, runs: readonly Measurement[]): VariantResult {
  const rps = runs.map((run) => run.requestsPerSecond);
  const requestsPerSecond = median(rps);
  const statusCodes: Record<string, number> = {};
  for (const run of runs) {
    for (const [code, count] of Object.entries(run.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  }
  return {
    target,
    runs,
    requestsPerSecond,
    p50Ms: median(runs.map((run) => run.p50Ms)),
    p99Ms: median(runs.map((run) => run.p99Ms)),
    bytesPerResponse: median(runs.map((run) => run.bytesPerResponse)),
    serverCpuUsPerResponse: medianOfMeasured(runs.map((run) => run.serverCpuUsPerResponse)),
    serverWritesPerResponse: medianOfMeasured(runs.map((run) => run.serverWritesPerResponse)),
    spread: requestsPerSecond > 0 ? (Math.max(...rps) - Math.min(...rps)) / requestsPerSecond : 0,
    non2xx: sum(runs.map((run) => run.non2xx)),
    errors: sum(runs.map((run) => run.errors)),
    statusCodes,
  };
}

export interface Comparison {
  readonly name: string;
  /** candidate / baseline; below 1 means the candidate serves fewer requests per second. */
  readonly requestsPerSecondRatio: number;
  /** candidate / baseline; above 1 means the candidate answers more slowly. */
  readonly p50Ratio: number;
  readonly p99Ratio: number;
}

/**
 * Prints a table of each candidate against the baseline, as ratios of the medians, and returns
 * the ratios. Only ratios are comparable between runs: absolute numbers depend on the machine
 * and on whatever else it was doing.
 */
export function compare(baseline: VariantResult, candidates: readonly VariantResult[], title?: string): Comparison[] {
  const versus = (variant: VariantResult, metric: (result: VariantResult) => number): string =>
    formatRatio(ratio(metric(variant), metric(baseline)));
  // The server's CPU per response, when the suite gave the runs its process id (`withServerCpu`).
  const cpuMeasured = [baseline, ...candidates].some((variant) => variant.serverCpuUsPerResponse !== undefined);
  const columns: { title: string; left?: boolean; cell: (variant: VariantResult) => string }[] = [
    { title: 'variant', left: true, cell: (v) => (v === baseline ? `${v.target.name} (baseline)` : v.target.name) },
    { title: 'req/s', cell: (v) => v.requestsPerSecond.toFixed(0) },
    { title: 'x base', cell: (v) => versus(v, (r) => r.requestsPerSecond) },
    { title: 'spread', cell: (v) => `${(v.spread * 100).toFixed(0)}%` },
    { title: 'p50 ms', cell: (v) => v.p50Ms.toFixed(0) },
    { title: 'x base', cell: (v) => versus(v, (r) => r.p50Ms) },
    { title: 'p99 ms', cell: (v) => v.p99Ms.toFixed(0) },
    { title: 'x base', cell: (v) => versus(v, (r) => r.p99Ms) },
    { title: 'bytes', cell: (v) => v.bytesPerResponse.toFixed(0) },
    ...(cpuMeasured
      ? [
          { title: 'cpu µs/req', cell: (v: VariantResult) => v.serverCpuUsPerResponse?.toFixed(0) ?? '' },
          {
            title: 'x base',
            cell: (v: VariantResult) =>
              v.serverCpuUsPerResponse === undefined ? '' : versus(v, (r) => r.serverCpuUsPerResponse ?? Number.NaN),
          },
          { title: 'writes/req', cell: (v: VariantResult) => v.serverWritesPerResponse?.toFixed(2) ?? '' },
        ]
      : []),
    { title: 'errors', cell: (v) => String(v.errors) },
    {
      title: 'statuses',
      left: true,
      cell: (v) =>
        Object.entries(v.statusCodes)
          .map(([code, count]) => `${code}:${count}`)
          .join(' '),
    },
  ];
  const rows = [baseline, ...candidates].map((variant) => columns.map((column) => column.cell(variant)));
  const widths = columns.map((column, index) =>
    Math.max(column.title.length, ...rows.map((cells) => cells[index].length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, index) => (columns[index].left ? cell.padEnd(widths[index]) : cell.padStart(widths[index])))
      .join('  ')
      .trimEnd();
  const runs = baseline.runs.length;
  const text = [
    '',
    title ?? 'Benchmark',
    `medians of ${runs} interleaved run${runs === 1 ? '' : 's'} per variant; x base = variant / baseline`,
    line(columns.map((column) => column.title)),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    '',
  ].join('\n');
  process.stdout.write(`${text}\n`);
  return candidates.map((candidate) => ({
    name: candidate.target.name,
    requestsPerSecondRatio: ratio(candidate.requestsPerSecond, baseline.requestsPerSecond),
    p50Ratio: ratio(candidate.p50Ms, baseline.p50Ms),
    p99Ratio: ratio(candidate.p99Ms, baseline.p99Ms),
  }));
}

function ratio(candidate: number, baseline: number): number {
  return baseline > 0 ? candidate / baseline : Number.NaN;
}

function formatRatio(value: number): string {
  return Number.isNaN(value) ? 'n/a' : value.toFixed(2);
}

function medianOfMeasured(values: readonly (number | undefined)[]): number | undefined {
  const measured = values.filter((value): value is number => value !== undefined);
  return measured.length > 0 ? median(measured) : undefined;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
