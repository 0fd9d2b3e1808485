import { isIP } from 'node:net';
import type { AppConfig } from './app.config';
import { EnvReader, redactUrl } from './env-reader';

/** Who may continue their trace into ours with a W3C `traceparent` header (ADR 0026). */
export type TraceContextTrust =
  | { readonly mode: 'all' }
  | { readonly mode: 'none' }
  /** Only the direct peers in these subnets (the gateway, the ingress): `10.0.0.0/8`, `::1/128`. */
  | { readonly mode: 'subnets'; readonly subnets: readonly TrustedSubnet[] };

export interface TrustedSubnet {
  readonly address: string;
  readonly prefix: number;
  readonly family: 'ipv4' | 'ipv6';
}

export interface TracingConfig {
  /** Where spans go (OTLP over HTTP, the full `/v1/traces` URL); undefined: tracing is off. */
  readonly tracesEndpoint: string | undefined;
  /** Headers the collector wants (an API key): `OTEL_EXPORTER_OTLP_HEADERS`. Secret. */
  readonly exporterHeaders: Readonly<Record<string, string>>;
  /** Share of new traces recorded (a parent's decision is always followed): 0..1. */
  readonly sampleRatio: number;
  readonly trustIncoming: TraceContextTrust;
  /** `service.version`; an image sets it to its release (the git tag or sha). */
  readonly serviceVersion: string;
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * OpenTelemetry's own variable names (what an operator already knows from every other service),
 * read here like every other setting and handed to the SDK explicitly: the SDK reads no
 * environment of its own (tracing-sdk.ts). No endpoint means no tracing at all: no SDK, no
 * context manager, no span objects (the zero cost `inSpan` promises). `OTEL_SDK_DISABLED=true`
 * turns it off with the endpoint still set.
 */
export function readTracingConfig(env: EnvReader, app: AppConfig): TracingConfig {
  const disabled = env.boolean('OTEL_SDK_DISABLED', false);
  const sampleRatio = readRatio(env);
  const trustIncoming = readTrust(env, app.environment === 'production' ? 'none' : 'all');
  const exporterHeaders = readHeaders(env);
  const serviceVersion = env.string('SERVICE_VERSION', 'unknown');
  const tracesEndpoint = disabled ? undefined : readEndpoint(env);
  return { tracesEndpoint, exporterHeaders, sampleRatio, trustIncoming, serviceVersion };
}

/** The signal-specific URL is used as it is; the base one gets `/v1/traces`, as the OTLP spec says. */
function readEndpoint(env: EnvReader): string | undefined {
  const traces = env.url('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', ['http', 'https']);
  if (traces) return traces;
  const base = env.url('OTEL_EXPORTER_OTLP_ENDPOINT', ['http', 'https']);
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

function readRatio(env: EnvReader): number {
  const sampler = env.raw('OTEL_TRACES_SAMPLER');
  if (sampler !== undefined && sampler !== 'parentbased_traceidratio') {
    // Refused rather than ignored: an operator who asked for another sampler must not get this one silently.
    env.report('OTEL_TRACES_SAMPLER', `must be parentbased_traceidratio, the only sampler Flowgate runs (got "${sampler}")`); // prettier-ignore
  }
  const value = env.raw('OTEL_TRACES_SAMPLER_ARG');
  if (value === undefined) return 1;
  const ratio = Number(value);
  if (!/^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(value) || ratio < 0 || ratio > 1) {
    env.report('OTEL_TRACES_SAMPLER_ARG', `must be a ratio from 0 to 1, e.g. 0.1 (got "${value}")`);
    return 1;
  }
  return ratio;
}

function readTrust(env: EnvReader, fallback: 'all' | 'none'): TraceContextTrust {
  const value = env.raw('TRACE_CONTEXT_TRUST');
  if (value === undefined) return { mode: fallback };
  if (value === 'all' || value === 'none') return { mode: value };
  const subnets: TrustedSubnet[] = [];
  for (const entry of env.list('TRACE_CONTEXT_TRUST')) {
    const subnet = parseSubnet(entry);
    if (subnet) subnets.push(subnet);
    else env.report('TRACE_CONTEXT_TRUST', `must be all, none or a list of addresses/CIDR subnets (got "${entry}")`);
  }
  return { mode: 'subnets', subnets };
}

function parseSubnet(entry: string): TrustedSubnet | undefined {
  const [address, prefixText, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return undefined;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** `key=value,key2=value2` (the OTLP exporter's format, values URL-encoded). Never echoed: API keys. */
function readHeaders(env: EnvReader): Record<string, string> {
  const name = env.raw('OTEL_EXPORTER_OTLP_TRACES_HEADERS')
    ? 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'
    : 'OTEL_EXPORTER_OTLP_HEADERS';
  const headers: Record<string, string> = {};
  for (const pair of env.list(name)) {
    const at = pair.indexOf('=');
    const key = at > 0 ? pair.slice(0, at).trim() : '';
    if (!HEADER_NAME.test(key)) {
      env.report(name, 'must be a list of name=value pairs (values not shown: they are secrets)');
      continue;
    }
    try {
      headers[key] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      env.report(name, `has a value for ${key} that is not URL-encoded text (not shown: it is a secret)`);
    }
  }
  return headers;
}

/** For the start-up line: where spans go, without a password in the URL. */
export function describeTracesEndpoint(config: TracingConfig): string {
  return config.tracesEndpoint ? redactUrl(config.tracesEndpoint) : 'off';
}
