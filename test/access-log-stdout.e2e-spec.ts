import { startApiProcess } from './support/api-process';

/**
 * The access log as production writes it: the API's own entry point (`main.ts`) in a process of
 * its own, lines on stdout, where they leave in blocks rather than one write per line
 * (`stdoutLogDestination`). Every request still gets exactly one line, none is lost while it
 * waits in the buffer, and the lines of the shutdown itself reach stdout before the process exits.
 */
describe('Access log on stdout (the API process)', () => {
  it('writes one line per request and flushes the buffered lines on SIGTERM', async () => {
    const api = await startApiProcess({ LOG_LEVEL: 'info' });
    try {
      const ids = Array.from({ length: 25 }, (_, index) => `log-line-${index}`);
      for (const id of ids) {
        const res = await fetch(`${api.url}/health/live`, { headers: { 'X-Request-Id': id } });
        expect(res.status).toBe(200);
      }
      api.child.kill('SIGTERM');
      expect(await api.exited).toBe(0);

      const lines = api
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { msg?: string; requestId?: string; status?: number });
      const accessLines = lines.filter((line) => line.msg === 'request completed');
      expect(accessLines.map((line) => line.requestId)).toEqual(ids);
      expect(accessLines.every((line) => line.status === 200)).toBe(true);
      // Logged while shutting down, after the last request: still written before the exit.
      expect(lines.map((line) => line.msg)).toContain('Shutting down: draining in-flight requests');
    } finally {
      api.kill();
    }
  }, 120_000);
});
