import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Base URL of its health-and-metrics listener, once it printed it. */
  readonly url: string;
  output(): string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  readonly exited: Promise<number | string>;
}

/**
 * `apps/worker/src/main.ts` as a process of its own (sources transpiled on load, see
 * ts-register.js), with this test run's environment plus `env`, its listener on a free port.
 * Resolves once it says its jobs run. A real process, so tests can SIGTERM or SIGKILL it.
 */
export async function startWorkerProcess(env: Readonly<Record<string, string>> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['-r', join(__dirname, 'ts-register.js'), 'apps/worker/src/main.ts'], {
    cwd: ROOT,
    // The test run's DATABASE_URL, REDIS_URL and key prefix, as a deployment would pass them.
    // Timers and maintenance only, unless a test says otherwise: the webhook suites run their own
    // relays and deliverers (with loopback allowed) on the same database, and a worker without
    // that allowance would claim their deliveries and refuse the receivers.
    env: {
      // eslint-disable-next-line no-restricted-syntax
      ...process.env,
      WORKER_PORT: '0',
      WORKER_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      WORKER_JOBS: 'workflow-timers,idempotency-purge',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /health: (http:\/\/\S+)\/health\/ready/.exec(output);
      if (match) resolve(match[1].replace('localhost', '127.0.0.1'));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`the worker exited (${code}) before it started:\n${output}`)));
    setTimeout(() => reject(new Error(`the worker did not start within 60 s:\n${output}`)), 60_000).unref();
  });
  return { child, url, output: () => output, exited };
}
