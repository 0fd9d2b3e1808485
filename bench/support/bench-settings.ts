/** How long and how hard each suite drives the app; see bench/README.md. */
export interface BenchSettings {
  /** Length of one measured run, in seconds (BENCH_SECONDS). */
  readonly seconds: number;
  /** Measured runs per variant, interleaved with the other variants' (BENCH_ROUNDS). */
  readonly rounds: number;
  /** One unmeasured run per variant before the rounds, in seconds (BENCH_WARMUP_SECONDS). */
  readonly warmupSeconds: number;
  /** Concurrent connections per run (BENCH_CONNECTIONS). */
  readonly connections: number;
  /** Length of the load between the memory readings of `read-path` (BENCH_MEMORY_LOAD_SECONDS). */
  readonly memoryLoadSeconds: number;
  /** Idle time before the last memory reading of `read-path` (BENCH_MEMORY_SETTLE_SECONDS). */
  readonly memorySettleSeconds: number;
}

/**
 * Reads the settings of `npm run bench`. The defaults keep a three-variant suite near 50 s.
 * These are knobs of the benchmark tool, not of the app, hence not part of FlowgateConfig.
 */
export function benchSettings(): BenchSettings {
  const env = process.env;
  return {
    seconds: positiveNumber(env, 'BENCH_SECONDS', 3),
    rounds: positiveNumber(env, 'BENCH_ROUNDS', 5, { integer: true }),
    warmupSeconds: positiveNumber(env, 'BENCH_WARMUP_SECONDS', 1),
    connections: positiveNumber(env, 'BENCH_CONNECTIONS', 10, { integer: true }),
    memoryLoadSeconds: positiveNumber(env, 'BENCH_MEMORY_LOAD_SECONDS', 60),
    memorySettleSeconds: positiveNumber(env, 'BENCH_MEMORY_SETTLE_SECONDS', 60),
  };
}

/** A jest timeout for a suite of `variants` variants: twice the planned time plus app start-up. */
export function suiteTimeoutMs(settings: BenchSettings, variants: number): number {
  const plannedSeconds = variants * (settings.warmupSeconds + settings.rounds * settings.seconds);
  return (2 * plannedSeconds + 60) * 1000;
}

function positiveNumber(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  options: { integer?: boolean } = {},
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (options.integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be a positive ${options.integer ? 'integer' : 'number'} (got "${raw}")`);
  }
  return value;
}
