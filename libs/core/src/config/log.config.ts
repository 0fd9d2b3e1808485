import { EnvReader } from './env-reader';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogConfig {
  readonly level: LogLevel;
}

export function readLogConfig(env: EnvReader, fallback: LogLevel): LogConfig {
  return { level: env.oneOf('LOG_LEVEL', LOG_LEVELS, fallback) };
}
