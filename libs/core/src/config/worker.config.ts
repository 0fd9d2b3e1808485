import type { AppConfig } from './app.config';
import type { DatabaseConfig } from './database.config';
import { EnvReader } from './env-reader';

/** Where the worker's health and metrics listener binds by default: beside the API's 3000. */
export const DEFAULT_WORKER_PORT = 3001;

export interface WorkerConfig {
  /** The worker's own listener (`/health/live`, `/health/ready`, `/metrics`); 0: any free port. */
  readonly port: number;
  readonly host: string;
  /** The worker's `service` log field and metric target name, apart from the API's. */
  readonly serviceName: string;
  /**
   * On SIGTERM, how long running jobs may take to finish their batch before the process exits
   * anyway. Whatever is still running then is rolled back by PostgreSQL when the connection
   * closes, and claimed again by another replica: nothing is lost, only delayed.
   */
  readonly shutdownTimeoutMs: number;
  /**
   * Whether the API process runs the worker's jobs itself. On by default only in the embedded
   * development mode (no DATABASE_URL), so that `npm start` alone is a complete system; production
   * runs `apps/worker` as a deployment of its own and the API runs no job.
   */
  readonly jobsInApi: boolean;
  /**
   * The jobs this process runs, by name (`WORKER_JOBS=outbox-relay,webhook-delivery`); empty: every
   * job. Lets an operator give a job replicas of its own, and a test run one job alone.
   */
  readonly jobs: readonly string[];
}

export function readWorkerConfig(env: EnvReader, app: AppConfig, database: DatabaseConfig): WorkerConfig {
  const jobsInApi = env.boolean('WORKER_JOBS_IN_API', app.environment === 'development' && !database.url);
  if (jobsInApi && app.environment === 'production') {
    env.report(
      'WORKER_JOBS_IN_API',
      'must be false when NODE_ENV=production: run apps/worker (npm run start:worker:prod)',
    );
  }
  return {
    port: env.integer('WORKER_PORT', DEFAULT_WORKER_PORT, { min: 0, max: 65_535 }),
    host: env.string('WORKER_HOST', app.host),
    serviceName: env.string('WORKER_SERVICE_NAME', 'flowgate-worker'),
    shutdownTimeoutMs: env.integer('WORKER_SHUTDOWN_TIMEOUT_MS', 20_000, { min: 100, max: 600_000 }),
    jobsInApi,
    jobs: env.list('WORKER_JOBS'),
  };
}
