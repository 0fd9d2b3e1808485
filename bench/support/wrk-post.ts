import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Measurement } from './measure';

/** Debian's wrk: a C load generator light enough that two shared cores are left to the app. */
const WRK = '/usr/bin/wrk';
const SCRIPT = join(__dirname, 'wrk-post.lua');
const RESULT = /^WRK_RESULT (.*)$/m;

/** One connection's POST: its path and its caller. */
export interface PostTarget {
  readonly path: string;
  readonly authorization: string;
}

export interface WrkPostRun {
  /** Origin of the server, e.g. http://127.0.0.1:3000. */
  readonly origin: string;
  /** Connection n (one wrk thread each) sends to target ((n - 1) mod count) + 1. */
  readonly targets: readonly PostTarget[];
  readonly body: string;
  readonly connections: number;
  readonly seconds: number;
}

interface WrkSummary {
  readonly requests: number;
  readonly durationUs: number;
  readonly bytes: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly errors: number;
  readonly statusCodes: Record<string, number>;
}

/**
 * POSTs with wrk (`bench/support/wrk-post.lua`), each with a fresh `Idempotency-Key`. One wrk
 * thread per connection, so that each connection keeps to its own target (wrk's `request()` is
 * per thread, not per connection): with one instance per target, no two requests in flight ever
 * share an instance. Latency percentiles are wrk's (microseconds), reported in milliseconds with
 * two decimals, finer than autocannon's whole milliseconds.
 */
export async function wrkPost(run: WrkPostRun): Promise<Measurement> {
  const nonce = randomBytes(6).toString('hex');
  const targets = run.targets.map((target) => `${target.path}\t${target.authorization}`);
  const args = [
    `-t${run.connections}`,
    `-c${run.connections}`,
    `-d${run.seconds}s`,
    '--timeout',
    '10s',
    '-s',
    SCRIPT,
    run.origin,
    '--',
    nonce,
    run.body,
    ...targets,
  ];
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(WRK, args, { maxBuffer: 1 << 20 }, (error, out, err) =>
      error ? reject(new Error(`wrk failed: ${error.message}\n${err}`)) : resolve(out),
    ),
  );
  const match = RESULT.exec(stdout);
  if (!match) throw new Error(`wrk printed no result:\n${stdout}`);
  const summary = JSON.parse(match[1]) as WrkSummary;
  const non2xx = Object.entries(summary.statusCodes)
    .filter(([status]) => !status.startsWith('2'))
    .reduce((total, [, count]) => total + count, 0);
  return {
    requestsPerSecond: summary.requests / (summary.durationUs / 1e6),
    p50Ms: Math.round(summary.p50Us / 10) / 100,
    p99Ms: Math.round(summary.p99Us / 10) / 100,
    responses: summary.requests,
    bytesPerResponse: summary.requests > 0 ? Math.round(summary.bytes / summary.requests) : 0,
    non2xx,
    errors: summary.errors,
    statusCodes: summary.statusCodes,
  };
}
