import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

const root = join(__dirname, '../..');

export interface ApiProcess {
  readonly child: ChildProcess;
  /** The URL it printed when ready (127.0.0.1, so that `fetch` takes IPv4 as the server listens). */
  readonly url: string;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Its exit code, once it exits. */
  readonly exited: Promise<number | null>;
  /** SIGKILL if it is still running: for `finally`. */
  kill(): void;
}

/**
 * The API's own entry point (`apps/api/src/main.ts`) in a plain Node process of its own, compiled
 * on load (test/support/ts-register.js, SWC), on the run's database and Redis plus `env`: for what
 * only a real process shows (stdout's buffering, the tracing bootstrap, shutdown on a signal).
 * Resolves once it prints its URL; rejects with its output if it exits first.
 */
export async function startApiProcess(env: Readonly<Record<string, string>>): Promise<ApiProcess> {
  // Redis keys of its own under the run's prefix (removed with the run's): counters that other
  // specs' apps on 127.0.0.1 filled (a caller's IP budget) must not answer its requests with 429.
  // eslint-disable-next-line no-restricted-syntax
  const keyPrefix = `${process.env.REDIS_KEY_PREFIX ?? 'flowgate-test:'}api-${randomBytes(4).toString('hex')}:`;
  const child = spawn(
    process.execPath,
    ['-r', join(root, 'test/support/ts-register.js'), join(root, 'apps/api/src/main.ts')],
    {
      // The run's database and Redis (from the test process's environment), then this test's settings.
      // eslint-disable-next-line no-restricted-syntax
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', REDIS_KEY_PREFIX: keyPrefix, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const kill = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const poll = setInterval(() => {
        const match = /ready in [\d.]+s at (http:\/\/\S+)/.exec(output);
        if (match) {
          clearInterval(poll);
          resolve(match[1].replace('localhost', '127.0.0.1'));
        }
      }, 50);
      void exited.then((code) => {
        clearInterval(poll);
        reject(new Error(`the API exited (${code}) before it was ready:\n${output}`));
      });
    });
    return { child, url, output: () => output, exited, kill };
  } catch (error) {
    kill();
    throw error;
  }
}
