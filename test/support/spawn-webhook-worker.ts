import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/**
 * A webhook worker in a process of its own (plain Node, `webhook-jobs-process.ts` through
 * `ts-child.js`), for tests that kill it: `ready` resolves once it loops its jobs.
 */
export function spawnWebhookWorker(env: Readonly<Record<string, string>>): {
  process: ChildProcess;
  ready: Promise<void>;
} {
  const root = join(__dirname, '..', '..');
  const child = spawn(
    process.execPath,
    [join(root, 'test/support/ts-child.js'), join(root, 'test/support/webhook-jobs-process.ts')],
    {
      // The child gets this process's environment (the run's database and Redis), plus `env`.
      // eslint-disable-next-line no-restricted-syntax
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('webhook worker ready')) resolve();
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) =>
      reject(new Error(`the webhook worker exited (${code}) before it was ready:\n${output}`)),
    );
  });
  return { process: child, ready };
}
