import type { Pool } from 'pg';

/** What one session was doing at one sample. */
interface SessionSample {
  readonly state: string;
  readonly waitEventType: string | null;
  readonly waitEvent: string | null;
  /** For a lock wait: the tables of the locks it waits for (or the row lock it holds while waiting). */
  readonly relations: string | null;
}

export interface WaitHistogram {
  readonly samples: number;
  /** "state wait_event_type:wait_event [tables]" → sessions seen so, over all samples. */
  readonly counts: ReadonlyMap<string, number>;
  /** Sessions seen waiting on a heavyweight lock (wait_event_type Lock), over all samples. */
  readonly lockWaits: number;
}

const SAMPLE = `
  SELECT a.state, a.wait_event_type, a.wait_event,
         (SELECT string_agg(DISTINCT l.relation::regclass::text, ',') FROM pg_locks l
          WHERE l.pid = a.pid AND l.relation IS NOT NULL AND (NOT l.granted OR l.locktype = 'tuple')) AS relations
  FROM pg_stat_activity a
  WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend'
    AND a.state <> 'idle'`;

/**
 * Samples `pg_stat_activity` for the bench database's sessions every `intervalMs` until stopped:
 * what the app's connections wait on while it is under load. When every connection of the load
 * works on its own instance, two transactions in flight never share one, so any session seen
 * waiting on a lock (`Lock:*`) waits behind a transaction on a different instance: a lock shared
 * by unrelated instances, which more replicas cannot lift.
 */
export function sampleWaits(pool: Pool, intervalMs: number): { stop(): Promise<WaitHistogram> } {
  const counts = new Map<string, number>();
  let samples = 0;
  let lockWaits = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await pool.query<{
        state: string;
        wait_event_type: string | null;
        wait_event: string | null;
        relations: string | null;
      }>(SAMPLE);
      samples += 1;
      for (const row of rows) {
        const session: SessionSample = {
          state: row.state,
          waitEventType: row.wait_event_type,
          waitEvent: row.wait_event,
          relations: row.relations,
        };
        if (session.waitEventType === 'Lock') lockWaits += 1;
        const label = describe(session);
        counts.set(label, (counts.get(label) ?? 0) + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { samples, counts, lockWaits };
    },
  };
}

function describe(session: SessionSample): string {
  const wait = session.waitEventType ? `${session.waitEventType}:${session.waitEvent}` : 'on CPU';
  const tables = session.waitEventType === 'Lock' && session.relations ? ` [${session.relations}]` : '';
  return `${session.state} ${wait}${tables}`;
}

/** The histogram as a table, most frequent first, with sessions per sample. */
export function formatWaits(title: string, histogram: WaitHistogram): string {
  const rows = [...histogram.counts.entries()].sort((a, b) => b[1] - a[1]);
  const lines = [`${title}: ${histogram.samples} samples of pg_stat_activity (sessions of the bench database)`];
  for (const [label, count] of rows) {
    lines.push(`  ${(count / Math.max(1, histogram.samples)).toFixed(2).padStart(6)} per sample  ${label}`);
  }
  lines.push(
    `  lock waits: ${histogram.lockWaits} session-samples` +
      (histogram.lockWaits === 0 ? ' (none shared by different instances)' : ''),
  );
  return lines.join('\n');
}
