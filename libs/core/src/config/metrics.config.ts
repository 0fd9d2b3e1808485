import type { AppConfig } from './app.config';
import { EnvReader } from './env-reader';

/** The Prometheus exporter convention (OpenTelemetry's too), so scrape configs need no surprises. */
export const DEFAULT_METRICS_PORT = 9464;

export interface MetricsConfig {
  /** Port of the listener that serves only `/metrics`; undefined means none (0: any free port). */
  readonly port: number | undefined;
  /** Address that listener binds to. */
  readonly host: string;
  /** Also serve `/metrics` on the main (public) port. */
  readonly onMainPort: boolean;
  /** When set, a scrape must send `Authorization: Bearer <token>`, on either port. */
  readonly bearerToken: string | undefined;
}

// Long enough that it cannot be guessed (`openssl rand -hex 32` gives 64); one token68-ish word.
const BEARER_TOKEN = /^[A-Za-z0-9._~+/=-]{32,512}$/;

/**
 * Metrics name tenants' workflow definitions and denial counts, so in production they leave the
 * public port: Prometheus scrapes a port of their own (which the Service, ingress or App Service
 * front end does not route), optionally with a bearer token. Outside production they stay on the
 * main port for convenience.
 */
export function readMetricsConfig(env: EnvReader, app: AppConfig): MetricsConfig {
  const production = app.environment === 'production';
  const port = readPort(env, production ? DEFAULT_METRICS_PORT : undefined);
  const bearerToken = env.raw('METRICS_BEARER_TOKEN');
  if (bearerToken !== undefined && !BEARER_TOKEN.test(bearerToken)) {
    // The value is a secret: never echoed.
    env.report(
      'METRICS_BEARER_TOKEN',
      'must be 32-512 characters of A-Z a-z 0-9 . _ ~ + / = - (e.g. openssl rand -hex 32)',
    );
  }
  const onMainPort = env.boolean('METRICS_ON_MAIN_PORT', !production);
  if (production && onMainPort && bearerToken === undefined) {
    env.report(
      'METRICS_ON_MAIN_PORT',
      'needs METRICS_BEARER_TOKEN when NODE_ENV=production: the main port is public, and metrics name tenants’ data',
    );
  }
  if (port !== undefined && port !== 0 && port === app.port) {
    env.report('METRICS_PORT', `must differ from PORT (both ${port}); METRICS_ON_MAIN_PORT serves metrics there`);
  }
  return { port, host: env.string('METRICS_HOST', app.host), onMainPort, bearerToken };
}

function readPort(env: EnvReader, fallback: number | undefined): number | undefined {
  const value = env.raw('METRICS_PORT');
  if (value === undefined) return fallback;
  if (value.toLowerCase() === 'off') return undefined;
  if (!/^\d+$/.test(value)) {
    env.report('METRICS_PORT', `must be off or a port number from 0 to 65535 (got "${value}")`);
    return fallback;
  }
  return env.integer('METRICS_PORT', fallback ?? 0, { min: 0, max: 65_535 });
}
