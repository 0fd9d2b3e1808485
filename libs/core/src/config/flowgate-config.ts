import type { AppConfig } from './app.config';
import type { AuditConfig } from './audit.config';
import type { AuthConfig } from './auth.config';
import type { DatabaseConfig } from './database.config';
import type { HttpConfig } from './http.config';
import type { LogConfig } from './log.config';
import type { MetricsConfig } from './metrics.config';
import type { RedisConfig } from './redis.config';
import type { TrafficConfig } from './traffic.config';

/**
 * The validated configuration, one namespace per concern. It doubles as the injection token:
 * `constructor(private readonly config: FlowgateConfig)` gives a typed, read-only view.
 */
export abstract class FlowgateConfig {
  abstract readonly app: AppConfig;
  abstract readonly http: HttpConfig;
  abstract readonly database: DatabaseConfig;
  abstract readonly redis: RedisConfig;
  abstract readonly log: LogConfig;
  abstract readonly metrics: MetricsConfig;
  abstract readonly auth: AuthConfig;
  abstract readonly audit: AuditConfig;
  abstract readonly traffic: TrafficConfig;
}
