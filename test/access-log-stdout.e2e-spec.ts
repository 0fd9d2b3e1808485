import { spawn } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');

/**
 * The access log as production writes it: the API's own entry point (`main.ts`) in a process of
 * its own, lines on stdout, where they leave in blocks rather than one write per line
 * (`stdoutLogDestination`). Every request still gets exactly one line, none is lost while it
 * waits in the buffer, and the lines of the shutdown itself reach stdout before the process exits.
 */
describe('Access log on stdout (the API process)', () => {
  it('writes one line per request and flushes the buffered lines on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [join(root, 'test/support/ts-child.js'), join(root, 'apps/api/src/main.ts')],
      {
        // The run's database and Redis; port and log level of this test.
        // eslint-disable-next-line no-restricted-syntax
        env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
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

      const ids = Array.from({ length: 25 }, (_, index) => `log-line-${index}`);
      for (const id of ids) {
        const res = await fetch(`${url}/health/live`, { headers: { 'X-Request-Id': id } });
        expect(res.status).toBe(200);
      }
      child.kill('SIGTERM');
      expect(await exited).toBe(0);

      const lines = output
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg?: string; requestId?: string; status?: number });
      const accessLines = lines.filter((line) => line.msg === 'request completed');
      expect(accessLines.map((line) => line.requestId)).toEqual(ids);
      expect(accessLines.every((line) => line.status === 200)).toBe(true);
      // Logged while shutting down, after the last request: still written before the exit.
      expect(lines.map((line) => line.msg)).toContain('Shutting down: draining in-flight requests');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);
});
