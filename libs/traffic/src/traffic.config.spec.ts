import { ConfigError, configLoader } from '@flowgate/core';
import { readTrafficConfig } from './traffic.config';

const { load: loadConfig } = configLoader({ traffic: readTrafficConfig });

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('readTrafficConfig (through the core loader)', () => {
  it('runs on defaults', () => {
    const { traffic } = loadConfig({});
    expect(traffic.rateLimits.principal).toEqual({ name: 'principal', limit: 600, windowSeconds: 60 });
    expect(traffic.idempotencyRetentionSeconds).toBe(86_400);
  });

  it('reads rate-limit policies and the idempotency retention', () => {
    const { traffic } = loadConfig({
      RATE_LIMIT_SENSITIVE: '5/10s',
      RATE_LIMIT_ANONYMOUS: '1000/3600s',
      IDEMPOTENCY_RETENTION_HOURS: '48',
    });
    expect(traffic.rateLimits.sensitive).toEqual({ name: 'sensitive', limit: 5, windowSeconds: 10 });
    expect(traffic.rateLimits.anonymous).toEqual({ name: 'anonymous', limit: 1000, windowSeconds: 3600 });
    expect(traffic.idempotencyRetentionSeconds).toBe(48 * 3_600);
  });

  it.each([
    [{ RATE_LIMIT_PRINCIPAL: '600 per minute' }, 'RATE_LIMIT_PRINCIPAL must be <requests>/<seconds>s'],
    [{ RATE_LIMIT_SENSITIVE: '0/60s' }, 'RATE_LIMIT_SENSITIVE must be <requests>/<seconds>s'],
    [
      { IDEMPOTENCY_RETENTION_HOURS: '0' },
      'IDEMPOTENCY_RETENTION_HOURS must be a whole number from 1 to 720 (got "0")',
    ],
  ])('rejects %j with a message naming the variable', (env, message) => {
    const problems = problemsOf(env);
    expect(problems).toContain(message);
    expect(problems).not.toContain('\n');
  });
});
