import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Measurement } from './measure';

const PGBENCH = 'pgbench';
const TPS = /tps = ([\d.]+) \(without initial connection time\)/;
const LATENCY = /latency average = ([\d.]+) ms/;

/** PostgreSQL's own benchmark, in a scratch database of its own on the server the app uses. */
export interface PgBench {
  /** The built-in TPC-B-like script with `clients` clients for `seconds`. */
  run(clients: number, seconds: number): Promise<Measurement>;
  drop(): Promise<void>;
}

/**
 * Creates a scratch database beside `databaseUrl`'s and initialises pgbench's tables at `scale`
 * (scale 10: one million accounts). What the server can do with nothing in front of it: an
 * independent baseline for the API's writes, measured in the same run on the same machine.
 */
export async function initialisePgBench(databaseUrl: string, scale: number): Promise<PgBench> {
  const name = `pgbench_${randomBytes(4).toString('hex')}`;
  const url = new URL(databaseUrl);
  await onServer(url, `CREATE DATABASE ${name}`);
  url.pathname = `/${name}`;
  const target = url.toString();
  await pgbench(['-i', '-q', '-s', String(scale), target]);
  return {
    async run(clients, seconds) {
      const out = await pgbench(['-n', '-c', String(clients), '-j', '2', '-T', String(seconds), target]);
      const tps = Number(TPS.exec(out)?.[1]);
      if (!Number.isFinite(tps)) throw new Error(`pgbench printed no tps:\n${out}`);
      const transactions = Math.round(tps * seconds);
      const averageMs = Number(LATENCY.exec(out)?.[1] ?? 0);
      // pgbench prints an average, not percentiles: both columns show it.
      return {
        requestsPerSecond: tps,
        p50Ms: averageMs,
        p99Ms: averageMs,
        responses: transactions,
        bytesPerResponse: 0,
        non2xx: 0,
        errors: 0,
        statusCodes: { COMMIT: transactions },
      };
    },
    drop: () => onServer(new URL(databaseUrl), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function onServer(url: URL, sql: string): Promise<void> {
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function pgbench(args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(PGBENCH, [...args], { maxBuffer: 1 << 22 }, (error, stdout, stderr) =>
      error ? reject(new Error(`pgbench ${args.join(' ')} failed: ${error.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}
