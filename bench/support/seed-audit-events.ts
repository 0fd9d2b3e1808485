import type { DataSource } from 'typeorm';

export interface AuditSeed {
  /** Events to write, spread evenly over `days` up to now. */
  readonly events: number;
  readonly actors: number;
  readonly days: number;
  /** Rows per INSERT statement (each its own transaction). */
  readonly batchRows: number;
}

export interface AuditSeedReport {
  readonly rows: number;
  readonly statements: number;
  readonly months: number;
  readonly insertSeconds: number;
  readonly analyzeSeconds: number;
}

/**
 * Writes `events` audit events into `audit_events` in batches, as writers would: unsealed, through
 * the table's row triggers (the forced `txid`, the append-only check), into partitions created
 * for their months first — so that a bench never measures the default partition.
 *
 * One `INSERT … SELECT generate_series` of 10M rows did not finish within the bench's 600 s
 * statement timeout: one transaction whose WAL, index growth and trigger calls all pile up before
 * anything commits, and a restart from zero on any failure. Batches of `batchRows` rows, never
 * straddling a month, each commit on their own; one `ANALYZE` at the end gives the planner the
 * statistics a production table would have.
 *
 * Event `s` (1-based) occurs at `start + (s - 1) × step`: the same spread as before batching, so
 * that 1M-event figures stay comparable with earlier runs.
 */
export async function seedAuditEvents(
  db: DataSource,
  seed: AuditSeed,
  progress: (line: string) => void,
): Promise<AuditSeedReport> {
  const end = Date.now();
  const start = end - seed.days * 86_400_000;
  const stepMs = (seed.days * 86_400_000) / seed.events;
  const months = monthsBetween(start, end);
  for (const month of months) await db.query('SELECT audit_events_create_partition($1::date)', [month.first]);

  const began = performance.now();
  let statements = 0;
  let written = 0;
  for (const month of months) {
    // Events whose time falls in this month: s with start + (s - 1) × step in [from, until).
    const first = Math.max(1, Math.ceil((month.fromMs - start) / stepMs) + 1);
    const last = Math.min(seed.events, Math.ceil((month.untilMs - start) / stepMs));
    for (let lo = first; lo <= last; lo += seed.batchRows) {
      const hi = Math.min(last, lo + seed.batchRows - 1);
      await insertBatch(db, seed, new Date(start).toISOString(), stepMs / 1000, lo, hi);
      statements += 1;
      written += hi - lo + 1;
      const seconds = (performance.now() - began) / 1000;
      progress(
        `  seeded ${written.toLocaleString('en')} of ${seed.events.toLocaleString('en')} (${month.first}) ` +
          `in ${seconds.toFixed(0)} s, ${Math.round(written / seconds).toLocaleString('en')} rows/s`,
      );
    }
  }
  const insertSeconds = (performance.now() - began) / 1000;
  const analyzing = performance.now();
  await db.query('ANALYZE audit_events');
  const analyzeSeconds = (performance.now() - analyzing) / 1000;
  return { rows: written, statements, months: months.length, insertSeconds, analyzeSeconds };
}

function insertBatch(db: DataSource, seed: AuditSeed, startIso: string, stepSeconds: number, lo: number, hi: number) {
  return db.query(
    `INSERT INTO audit_events (id, occurred_at, actor_type, actor_tenant_id, actor_object_id, actor_name,
       action, resource_type, resource_id, outcome, before, after, request_id, client_ip, user_agent)
     SELECT gen_random_uuid(), $1::timestamptz + ((s - 1) * $2::float8) * interval '1 second',
       'user', 'bench-tenant', 'actor-' || (s % $3::int), 'Actor ' || (s % $3::int),
       'user.role_granted', 'user', md5(s::text), 'succeeded', '{"status":"active"}', '{"status":"active"}',
       md5((s * 7)::text), '10.0.0.1', 'bench'
     FROM generate_series($4::bigint, $5::bigint) AS s`,
    [startIso, stepSeconds, seed.actors, lo, hi],
  );
}

/** The UTC calendar months that [startMs, endMs] touches, each clipped to that range. */
function monthsBetween(startMs: number, endMs: number): { first: string; fromMs: number; untilMs: number }[] {
  const months: { first: string; fromMs: number; untilMs: number }[] = [];
  const cursor = new Date(startMs);
  let monthStart = Date.UTC(cursor.getUTCFullYear(), cursor.getUTCMonth(), 1);
  while (monthStart <= endMs) {
    const next = new Date(monthStart);
    const nextStart = Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 1);
    months.push({
      first: new Date(monthStart).toISOString().slice(0, 10),
      fromMs: Math.max(monthStart, startMs),
      untilMs: Math.min(nextStart, endMs + 1),
    });
    monthStart = nextStart;
  }
  return months;
}
