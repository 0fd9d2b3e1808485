import { EnvReader } from './env-reader';

export const NODE_ENVIRONMENTS = ['development', 'test', 'production'] as const;
export type NodeEnvironment = (typeof NODE_ENVIRONMENTS)[number];

export interface AppConfig {
  readonly environment: NodeEnvironment;
  readonly serviceName: string;
  readonly host: string;
  readonly port: number;
}

export function readAppConfig(env: EnvReader): AppConfig {
  return {
    environment: env.oneOf('NODE_ENV', NODE_ENVIRONMENTS, 'development'),
    serviceName: env.string('SERVICE_NAME', 'flowgate-api'),
    host: env.string('HOST', '0.0.0.0'),
    port: env.integer('PORT', 3000, { min: 0, max: 65535 }),
  };
}
