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

/** Core's sections; each feature's section is specified beside its reader (e.g. libs/auth). */
describe('loadConfig', () => {
  it('runs on defaults with no environment at all (development mode)', () => {
    const config = loadConfig({});
    expect(config.app).toEqual({
      environment: 'development',
      serviceName: 'flowgate-api',
      host: '0.0.0.0',
      port: 3000,
    });
    expect(config.database.url).toBeUndefined();
    expect(config.database.runMigrationsOnStart).toBe(true);
    expect(config.database.embedded.port).not.toBe(5432);
    expect(config.redis.url).toBeUndefined();
    expect(config.http.trustProxy).toBe(false);
    expect(config.http.corsOrigins).toEqual([]);
    expect(config.http.publicBaseUrl).toBeUndefined();
    expect(config.http.maxJsonDepth).toBe(64);
    expect(config.log.level).toBe('info');
  });

  it('reads typed values', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      DATABASE_URL: 'postgres://app:pw@db:5432/flowgate',
      DATABASE_POOL_SIZE: '25',
      DATABASE_READ_REPLICA_URL: 'postgres://app:pw@db-replica:5432/flowgate',
      DATABASE_SSL: 'verify-full',
      REDIS_URL: 'rediss://cache:6380',
      AUTH_ENTRA_TENANT_IDS: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      AUTH_AUDIENCES: 'api://flowgate',
      CORS_ORIGINS: 'https://a.example.com, https://b.example.com',
      TRUST_PROXY: '2',
      LOG_LEVEL: 'warn',
      PUBLIC_BASE_URL: 'https://flowgate.example.com',
    });
    expect(config.app.port).toBe(8080);
    expect(config.database).toMatchObject({
      poolSize: 25,
      ssl: 'verify-full',
      runMigrationsOnStart: false,
      readReplicaUrl: 'postgres://app:pw@db-replica:5432/flowgate',
    });
    expect(config.http.corsOrigins).toEqual(['https://a.example.com', 'https://b.example.com']);
    expect(config.http.trustProxy).toBe(2);
    expect(config.http.publicBaseUrl).toBe('https://flowgate.example.com');
    expect(config.log.level).toBe('warn');
  });

  it.each([
    ['https://flowgate.example.com', 'https://flowgate.example.com'],
    ['https://flowgate.example.com/', 'https://flowgate.example.com'],
    ['HTTPS://Flowgate.Example.com:443/api//', 'https://flowgate.example.com/api'],
    ['http://localhost:3000', 'http://localhost:3000'],
  ])('reads PUBLIC_BASE_URL %j as %j', (value, expected) => {
    expect(loadConfig({ PUBLIC_BASE_URL: value }).http.publicBaseUrl).toBe(expected);
  });

  it.each([
    [{ TRUST_PROXY: 'true' }, true],
    [{ TRUST_PROXY: 'false' }, false],
    [{ TRUST_PROXY: '1' }, 1],
    [{ TRUST_PROXY: 'loopback, 10.0.0.0/8' }, ['loopback', '10.0.0.0/8']],
  ])('reads TRUST_PROXY %j', (env, expected) => {
    expect(loadConfig(env).http.trustProxy).toEqual(expected);
  });

  it.each([
    [{ NODE_ENV: 'staging' }, 'NODE_ENV must be one of development, test, production (got "staging")'],
    [{ PORT: 'eighty' }, 'PORT must be a whole number from 0 to 65535 (got "eighty")'],
    [{ PORT: '70000' }, 'PORT must be a whole number from 0 to 65535 (got "70000")'],
    [{ DATABASE_POOL_SIZE: '0' }, 'DATABASE_POOL_SIZE must be a whole number from 1 to 200 (got "0")'],
    [{ DATABASE_URL: 'mysql://db/x' }, 'DATABASE_URL must use the postgres or postgresql scheme'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL must be a URL'],
    [
      { DATABASE_READ_REPLICA_URL: 'mysql://db/x' },
      'DATABASE_READ_REPLICA_URL must use the postgres or postgresql scheme',
    ],
    [{ DATABASE_READ_REPLICA_URL: 'replica:5432' }, 'DATABASE_READ_REPLICA_URL must'],
    [{ DATABASE_READ_REPLICA_URL: 'postgres://replica/x' }, 'DATABASE_READ_REPLICA_URL needs DATABASE_URL'],
    [{ DATABASE_SSL: 'maybe' }, 'DATABASE_SSL must be one of disable, require, verify-full (got "maybe")'],
    [{ DATABASE_MIGRATIONS_RUN: 'sometimes' }, 'DATABASE_MIGRATIONS_RUN must be true or false (got "sometimes")'],
    [{ REDIS_URL: 'http://cache' }, 'REDIS_URL must use the redis or rediss scheme'],
    [{ REDIS_KEY_PREFIX: 'has space' }, 'REDIS_KEY_PREFIX must be 1-64 letters'],
    // A hash tag in the prefix would put every key into one Redis Cluster slot (ADR 21).
    [{ REDIS_KEY_PREFIX: '{flowgate}:' }, 'REDIS_KEY_PREFIX must be 1-64 letters'],
    [
      { REDIS_CLUSTER_NODES: 'cache-1:7000' },
      'REDIS_CLUSTER_NODES must list redis:// or rediss:// URLs with host and port',
    ],
    [
      { REDIS_CLUSTER_NODES: 'redis://cache-1' },
      'REDIS_CLUSTER_NODES must list redis:// or rediss:// URLs with host and port',
    ],
    [
      { REDIS_CLUSTER_NODES: 'rediss://:a@cache-1:7000,rediss://:b@cache-2:7000' },
      'REDIS_CLUSTER_NODES must give every node the same scheme, user and password',
    ],
    [
      { REDIS_CLUSTER_NODES: 'redis://cache-1:7000', REDIS_URL: 'redis://cache' },
      'REDIS_CLUSTER_NODES and REDIS_URL exclude each other',
    ],
    [
      { CORS_ORIGINS: 'https://ok.example.com,*' },
      'CORS_ORIGINS must list origins such as https://app.example.com (got "*")',
    ],
    [{ PUBLIC_BASE_URL: 'flowgate.example.com' }, 'PUBLIC_BASE_URL must be a URL (http or https)'],
    [{ PUBLIC_BASE_URL: 'ftp://flowgate.example.com' }, 'PUBLIC_BASE_URL must use the http or https scheme'],
    [{ PUBLIC_BASE_URL: 'https://flowgate.example.com/?x=1' }, 'PUBLIC_BASE_URL must be scheme://host[:port][/path]'],
    [{ PUBLIC_BASE_URL: 'https://flowgate.example.com/#top' }, 'PUBLIC_BASE_URL must be scheme://host[:port][/path]'],
    [{ PUBLIC_BASE_URL: 'https://me:pw@flowgate.example.com' }, 'PUBLIC_BASE_URL must be scheme://host[:port][/path]'],
    [{ TRUST_PROXY: 'everyone' }, 'TRUST_PROXY must be true, false, a hop count or a list of addresses/subnets'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
    [{ HTTP_REQUEST_TIMEOUT_MS: '5' }, 'HTTP_REQUEST_TIMEOUT_MS must be a whole number from 100 to 600000 (got "5")'],
    [{ HTTP_MAX_JSON_DEPTH: '100000' }, 'HTTP_MAX_JSON_DEPTH must be a whole number from 8 to 512 (got "100000")'],
  ])('rejects %j with a message naming the variable', (env, message) => {
    const problems = problemsOf(env);
    expect(problems).toContain(message);
    expect(problems).not.toContain('\n');
  });

  it('reports every bad variable in one line', () => {
    const problems = problemsOf({ PORT: 'x', LOG_LEVEL: 'loud' });
    expect(problems).toMatch(/^Invalid configuration: PORT .*; LOG_LEVEL /);
  });

  it('never prints a password from a connection string', () => {
    expect(problemsOf({ DATABASE_URL: 'mysql://app:s3cret@db/x' })).not.toContain('s3cret');
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'http://app:s3cret@cache:7000' })).not.toContain('s3cret');
  });

  it('reads a Redis Cluster: its nodes, and the login and TLS all of them share', () => {
    const { redis } = loadConfig({
      REDIS_CLUSTER_NODES: 'rediss://flowgate:p%40ss@cache-1:7000, rediss://flowgate:p%40ss@[::1]:7001',
    });
    expect(redis.url).toBeUndefined();
    expect(redis.cluster).toEqual({
      nodes: [
        { host: 'cache-1', port: 7000 },
        { host: '::1', port: 7001 },
      ],
      username: 'flowgate',
      password: 'p@ss',
      tls: true,
    });
    expect(loadConfig({}).redis.cluster).toBeUndefined();
  });

  it('accepts a Redis Cluster instead of REDIS_URL in production', () => {
    const problems = problemsOf({ NODE_ENV: 'production', REDIS_CLUSTER_NODES: 'redis://cache-1:7000' });
    expect(problems).not.toContain('REDIS_URL');
  });

  it.each([
    [{ NODE_ENV: 'production', REDIS_URL: 'redis://cache' }, 'DATABASE_URL is required when NODE_ENV=production'],
    [
      { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' },
      'REDIS_URL (or REDIS_CLUSTER_NODES) is required when NODE_ENV=production',
    ],
    [{ NODE_ENV: 'production' }, 'PUBLIC_BASE_URL is required when NODE_ENV=production'],
  ])('refuses production without shared services: %j', (env, message) => {
    expect(problemsOf(env)).toContain(message);
  });

  describe('metrics exposure', () => {
    const PRODUCTION = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/x',
      REDIS_URL: 'redis://cache',
      AUTH_ENTRA_TENANT_IDS: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      AUTH_AUDIENCES: 'api://flowgate',
      PUBLIC_BASE_URL: 'https://flowgate.example.com',
    };
    const TOKEN = 'a'.repeat(64);

    it.each<[string, Record<string, string>, object]>([
      ['development: on the main port, no metrics port', {}, { port: undefined, host: '0.0.0.0', onMainPort: true, bearerToken: undefined }], // prettier-ignore
      ['test: the same', { NODE_ENV: 'test' }, { port: undefined, onMainPort: true }],
      ['production: port 9464 on HOST, not on the main port', PRODUCTION, { port: 9464, host: '0.0.0.0', onMainPort: false, bearerToken: undefined }], // prettier-ignore
      ['production with HOST', { ...PRODUCTION, HOST: '10.1.2.3' }, { port: 9464, host: '10.1.2.3' }],
      ['production with METRICS_HOST and a port', { ...PRODUCTION, METRICS_HOST: '127.0.0.1', METRICS_PORT: '9100' }, { port: 9100, host: '127.0.0.1' }], // prettier-ignore
      ['production with the port off', { ...PRODUCTION, METRICS_PORT: 'off' }, { port: undefined, onMainPort: false }],
      ['production with the port OFF', { ...PRODUCTION, METRICS_PORT: 'OFF' }, { port: undefined }],
      ['production on the main port with a token', { ...PRODUCTION, METRICS_ON_MAIN_PORT: 'true', METRICS_BEARER_TOKEN: TOKEN }, { port: 9464, onMainPort: true, bearerToken: TOKEN }], // prettier-ignore
      ['development with a metrics port too', { METRICS_PORT: '9464' }, { port: 9464, onMainPort: true }],
      ['development with any free port (tests)', { METRICS_PORT: '0' }, { port: 0 }],
      ['development off the main port', { METRICS_ON_MAIN_PORT: 'false' }, { onMainPort: false }],
    ])('%s', (_name, env, expected) => {
      expect(loadConfig(env).metrics).toMatchObject(expected);
    });

    it.each<[string, Record<string, string>, string]>([
      ['the main port in production without a token', { ...PRODUCTION, METRICS_ON_MAIN_PORT: 'true' }, 'METRICS_ON_MAIN_PORT needs METRICS_BEARER_TOKEN when NODE_ENV=production'], // prettier-ignore
      ['a port that is not a number', { METRICS_PORT: 'metrics' }, 'METRICS_PORT must be off or a port number from 0 to 65535 (got "metrics")'], // prettier-ignore
      ['a port out of range', { METRICS_PORT: '70000' }, 'METRICS_PORT must be a whole number from 0 to 65535 (got "70000")'], // prettier-ignore
      [
        'the main port number',
        { PORT: '8080', METRICS_PORT: '8080' },
        'METRICS_PORT must differ from PORT (both 8080)',
      ],
      ['the default ports colliding in production', { ...PRODUCTION, PORT: '9464' }, 'METRICS_PORT must differ from PORT (both 9464)'], // prettier-ignore
      ['a short token', { METRICS_BEARER_TOKEN: 'a'.repeat(31) }, 'METRICS_BEARER_TOKEN must be 32-512 characters'],
      ['a token with a space', { METRICS_BEARER_TOKEN: `${'a'.repeat(20)} ${'a'.repeat(20)}` }, 'METRICS_BEARER_TOKEN must be 32-512 characters'], // prettier-ignore
      ['a bad boolean', { METRICS_ON_MAIN_PORT: 'maybe' }, 'METRICS_ON_MAIN_PORT must be true or false (got "maybe")'],
    ])('refuses %s', (_name, env, message) => {
      expect(problemsOf(env)).toContain(message);
    });

    it('never prints the metrics token, even a bad one', () => {
      const secret = `${'s3cret'.repeat(6)} x`;
      expect(problemsOf({ METRICS_BEARER_TOKEN: secret })).not.toContain('s3cret');
    });
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ PORT: '  ', DATABASE_URL: '' }).app.port).toBe(3000);
  });

  it('returns a frozen object', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config.database.embedded)).toBe(true);
  });
});
