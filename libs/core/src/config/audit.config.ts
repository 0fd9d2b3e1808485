import { EnvReader } from './env-reader';

export interface AuditConfig {
  /** Field names (any depth, case-insensitive) whose values are replaced before an event is stored. */
  readonly redactFields: readonly string[];
}

export function readAuditConfig(env: EnvReader): AuditConfig {
  return {
    redactFields: env.list('AUDIT_REDACT_FIELDS', [
      'password',
      'secret',
      'token',
      'accessToken',
      'refreshToken',
      'clientSecret',
      'authorization',
    ]),
  };
}
