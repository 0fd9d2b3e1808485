import type { NodeEnvironment } from '../../config/app.config';
import type { TracingConfig } from '../../config/tracing.config';

export interface TracedService {
  readonly name: string;
  readonly version: string;
  readonly environment: NodeEnvironment;
}

export interface RunningTracing {
  /** Exports the spans still queued, then stops: call on graceful shutdown, after the app closed. */
  shutdown(): Promise<void>;
}

/**
 * Starts tracing for a process when an OTLP endpoint is configured (ADR 0026); returns undefined,
 * having registered nothing at all, when none is. The SDK, the exporter and the driver
 * instrumentations (`tracing-provider.ts`) are loaded only then: a process that traces nothing
 * does not carry them.
 */
export function startTracing(config: TracingConfig, service: TracedService): RunningTracing | undefined {
  const { tracesEndpoint } = config;
  if (!tracesEndpoint) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when tracing is on
  const { startTracingProvider } = require('./tracing-provider') as typeof import('./tracing-provider');
  return startTracingProvider({ ...config, tracesEndpoint }, service);
}

/**
 * Applies the pg and ioredis instrumentations (`driver-instrumentations.ts`), loaded on this call:
 * for tests that trace the drivers through an in-memory provider. Returns the function that
 * removes them again.
 */
export function instrumentDrivers(): () => void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when tracing is on
  const drivers = require('./driver-instrumentations') as typeof import('./driver-instrumentations');
  return drivers.instrumentDrivers();
}
