import { ConfigError } from './config-error';
import { loadConfig } from './load-config';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://db/x',
  REDIS_URL: 'redis://cache',
  PUBLIC_BASE_URL: 'https://flowgate.example.com',
};

describe('tracing settings', () => {
  it('is off without an endpoint, samples everything it starts and trusts callers outside production', () => {
    expect(loadConfig({}).tracing).toEqual({
      tracesEndpoint: undefined,
      exporterHeaders: {},
      sampleRatio: 1,
      trustIncoming: { mode: 'all' },
      serviceVersion: 'unknown',
    });
  });

  it('trusts no caller’s traceparent in production unless told', () => {
    expect(loadConfig(PRODUCTION).tracing.trustIncoming).toEqual({ mode: 'none' });
  });

  it.each<[string, Record<string, string>, string | undefined]>([
    ['the base endpoint, with the traces path appended', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, 'http://collector:4318/v1/traces'], // prettier-ignore
    ['a base endpoint with a trailing slash', { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otlp.example.com/otlp/' }, 'https://otlp.example.com/otlp/v1/traces'], // prettier-ignore
    ['the traces endpoint as it is, over the base one', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/traces' }, 'http://b:4318/traces'], // prettier-ignore
    ['nothing when the SDK is disabled', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_SDK_DISABLED: 'true' }, undefined], // prettier-ignore
  ])('reads %s', (_name, env, endpoint) => {
    expect(loadConfig(env).tracing.tracesEndpoint).toBe(endpoint);
  });

  it.each([
    ['0', 0],
    ['0.1', 0.1],
    ['.25', 0.25],
    ['1', 1],
    ['1.0', 1],
  ])('reads the sampling ratio %s', (value, ratio) => {
    expect(loadConfig({ OTEL_TRACES_SAMPLER_ARG: value }).tracing.sampleRatio).toBe(ratio);
  });

  it('reads trusted callers as addresses and subnets', () => {
    expect(loadConfig({ TRACE_CONTEXT_TRUST: '10.0.0.0/8, 192.168.1.7, fd00::/8' }).tracing.trustIncoming).toEqual({
      mode: 'subnets',
      subnets: [
        { address: '10.0.0.0', prefix: 8, family: 'ipv4' },
        { address: '192.168.1.7', prefix: 32, family: 'ipv4' },
        { address: 'fd00::', prefix: 8, family: 'ipv6' },
      ],
    });
    expect(loadConfig({ ...PRODUCTION, TRACE_CONTEXT_TRUST: 'all' }).tracing.trustIncoming).toEqual({ mode: 'all' });
  });

  it('reads the exporter’s headers, decoded', () => {
    const env = { OTEL_EXPORTER_OTLP_HEADERS: 'api-key=abc%3D%3D, x-scope-orgid=tenant-1' };
    expect(loadConfig(env).tracing.exporterHeaders).toEqual({ 'api-key': 'abc==', 'x-scope-orgid': 'tenant-1' });
    const specific = { ...env, OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'authorization=Basic%20eA' };
    expect(loadConfig(specific).tracing.exporterHeaders).toEqual({ authorization: 'Basic eA' });
  });

  it.each<[string, Record<string, string>, string]>([
    ['a ratio above 1', { OTEL_TRACES_SAMPLER_ARG: '1.5' }, 'OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1, e.g. 0.1 (got "1.5")'], // prettier-ignore
    ['a negative ratio', { OTEL_TRACES_SAMPLER_ARG: '-0.1' }, 'OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1'],
    ['a percentage', { OTEL_TRACES_SAMPLER_ARG: '10%' }, 'OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1'],
    ['another sampler', { OTEL_TRACES_SAMPLER: 'always_on' }, 'OTEL_TRACES_SAMPLER must be parentbased_traceidratio'],
    ['an endpoint that is no URL', { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'OTEL_EXPORTER_OTLP_ENDPOINT must use the http or https scheme'], // prettier-ignore
    ['a gRPC endpoint', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://collector:4317' }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must use the http or https scheme'], // prettier-ignore
    ['a host name as a trusted caller', { TRACE_CONTEXT_TRUST: 'gateway.internal' }, 'TRACE_CONTEXT_TRUST must be all, none or a list of addresses/CIDR subnets (got "gateway.internal")'], // prettier-ignore
    ['a prefix too long', { TRACE_CONTEXT_TRUST: '10.0.0.0/33' }, 'TRACE_CONTEXT_TRUST must be all, none or a list'],
    ['a bad prefix', { TRACE_CONTEXT_TRUST: '10.0.0.0/x' }, 'TRACE_CONTEXT_TRUST must be all, none or a list'],
    ['a header without a name', { OTEL_EXPORTER_OTLP_HEADERS: '=secret' }, 'OTEL_EXPORTER_OTLP_HEADERS must be a list of name=value pairs'], // prettier-ignore
    ['a bad boolean', { OTEL_SDK_DISABLED: 'maybe' }, 'OTEL_SDK_DISABLED must be true or false'],
  ])('refuses %s', (_name, env, message) => {
    expect(problemsOf(env)).toContain(message);
  });

  it('never prints an exporter header value, nor the password of an endpoint', () => {
    expect(problemsOf({ OTEL_EXPORTER_OTLP_HEADERS: 'api-key=%E0%A4%A, bad header=hunter2' })).not.toMatch(
      /hunter2|%E0/,
    );
    expect(problemsOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://user:hunter2@collector' })).not.toContain('hunter2');
  });
});
