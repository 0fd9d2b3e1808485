import { execFile } from 'node:child_process';
import type { BenchSettings } from './bench-settings';
import { interleaveRuns, Measurement, VariantResult } from './measure';
import { withServerCpu } from './process-cpu';

/** Debian's `wrk` package; `WRK_PATH` names another build. */
const WRK = process.env.WRK_PATH ?? '/usr/bin/wrk';

/** One request shape for wrk: a URL, its headers, and optionally a Lua script (POSTs, bodies). */
export interface WrkTarget {
  /** Shown in the results table. */
  readonly name: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * A wrk Lua script (`wrk -s`): sets `wrk.method`, `wrk.body`, or a `request()` that varies
   * each request (a fresh `Idempotency-Key`). Its path is passed as is; arguments after `--`.
   */
  readonly script?: string;
  readonly scriptArgs?: readonly string[];
  /** The serving process: its CPU per response is measured too (`withServerCpu`). */
  readonly serverPid?: number;
}

export interface WrkRunOptions {
  readonly connections: number;
  readonly seconds: number;
  /** wrk threads; one by default, so that on two cores the generator leaves one to the server. */
  readonly threads?: number;
}

/** A wrk run: requests over its wall time and the percentiles `--latency` prints (microsecond resolution). */
export interface WrkMeasurement extends Measurement {
  readonly p75Ms: number;
  readonly p90Ms: number;
}

/**
 * Drives `target` with wrk, a load generator written in C that costs a fraction of the CPU
 * autocannon does per request: on two shared cores autocannon's own cost compressed every ratio
 * (issue 15). wrk does not count responses per status: a non-2xx/3xx response is counted under
 * `other`, 2xx and 3xx together under `2xx/3xx`; check a target's exact status with one request
 * before the runs (`expectStatus`).
 */
export async function measureWrk(target: WrkTarget, options: WrkRunOptions): Promise<WrkMeasurement> {
  const args = [
    '--latency',
    '-t',
    String(options.threads ?? 1),
    '-c',
    String(Math.max(options.connections, options.threads ?? 1)),
    '-d',
    `${options.seconds}s`,
    '--timeout',
    '10s',
  ];
  for (const [name, value] of Object.entries(target.headers ?? {})) args.push('-H', `${name}: ${value}`);
  if (target.script) args.push('-s', target.script);
  args.push(target.url);
  if (target.scriptArgs?.length) args.push('--', ...target.scriptArgs);
  const output = await run(args, (options.seconds + 30) * 1000);
  return parseWrkOutput(output);
}

/** Every target `settings.rounds` times with wrk, interleaved and rotated like `interleave`. */
export function interleaveWrk(
  targets: readonly WrkTarget[],
  settings: BenchSettings,
  options: { afterRun?: () => void } = {},
): Promise<VariantResult[]> {
  return interleaveRuns(
    targets.map((target) => ({
      target: { name: target.name, url: target.url },
      run: (seconds: number) =>
        withServerCpu(target.serverPid, () => measureWrk(target, { connections: settings.connections, seconds })),
    })),
    settings,
    options,
  );
}

/** Parses wrk's report (`--latency`). Exported for its unit spec. */
export function parseWrkOutput(output: string): WrkMeasurement {
  const requests = /^\s*(\d+) requests in ([\d.]+)(us|ms|s|m|h), ([\d.]+)([KMGT]?B) read/m.exec(output);
  if (!requests) throw new Error(`wrk printed no request count:\n${output}`);
  const responses = Number(requests[1]);
  const seconds = durationMs(requests[2], requests[3]) / 1000;
  const bytes = Number(requests[4]) * BYTE_UNITS[requests[5]];
  const percentile = (p: number): number => {
    const match = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$`, 'm').exec(output);
    return match ? durationMs(match[1], match[2]) : Number.NaN;
  };
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const errors = socket ? socket.slice(1, 5).reduce((total, count) => total + Number(count), 0) : 0;
  const statusCodes: Record<string, number> = {};
  if (responses - non2xx > 0) statusCodes['2xx/3xx'] = responses - non2xx;
  if (non2xx > 0) statusCodes.other = non2xx;
  return {
    requestsPerSecond: seconds > 0 ? responses / seconds : 0,
    p50Ms: percentile(50),
    p75Ms: percentile(75),
    p90Ms: percentile(90),
    p99Ms: percentile(99),
    responses,
    bytesPerResponse: responses > 0 ? bytes / responses : 0,
    non2xx,
    errors,
    statusCodes,
  };
}

const BYTE_UNITS: Readonly<Record<string, number>> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
const TIME_UNITS_MS: Readonly<Record<string, number>> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function durationMs(value: string, unit: string): number {
  return Number(value) * TIME_UNITS_MS[unit];
}

function run(args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(WRK, args, { timeout: timeoutMs, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`wrk ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}
