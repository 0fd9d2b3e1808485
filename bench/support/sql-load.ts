import { Pool, PoolClient } from 'pg';
import type { Measurement } from './measure';

/**
 * Drives `transaction` from `connections` concurrent PostgreSQL clients for `seconds`, like
 * autocannon drives a route: a database-only baseline measured the same way as the HTTP runs
 * (completed transactions over wall time, latency percentiles with 1 ms resolution).
 */
export async function measureSql(
  pool: Pool,
  transaction: (client: PoolClient) => Promise<void>,
  options: { connections: number; seconds: number },
): Promise<Measurement> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      const client = await pool.connect();
      try {
        while (performance.now() < deadline) {
          const begun = performance.now();
          try {
            await transaction(client);
            latencies.push(performance.now() - begun);
          } catch {
            errors += 1;
            await client.query('ROLLBACK').catch(() => undefined);
          }
        }
      } finally {
        client.release();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const sorted = latencies.map(Math.round).sort((a, b) => a - b);
  const percentile = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
  return {
    requestsPerSecond: latencies.length / seconds,
    p50Ms: percentile(50),
    p99Ms: percentile(99),
    responses: latencies.length,
    bytesPerResponse: 0,
    non2xx: 0,
    errors,
    statusCodes: { COMMIT: latencies.length },
  };
}
