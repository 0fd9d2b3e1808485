import type { DistributedLock } from '../redis/distributed-lock';
import type { JobRun, WorkerJob } from './worker-job';

/** A singleton's lease never drops below this, so renewing it is cheap next to the work. */
const MIN_LEASE_MS = 15_000;

/**
 * One run of a singleton job under the distributed lock `job:<name>`, with its fencing token.
 * Returns undefined when another replica holds the lock (or the lock service is away: a singleton
 * never runs unguarded).
 *
 * The lease lasts the job's idle interval (at least `MIN_LEASE_MS`) and is renewed every third of
 * it while the run lasts; a renewal that fails means the lock was lost (a pause past the lease, a
 * Redis failover), and the run's signal aborts so the job stops claiming. After a run that found
 * work the lock is released, so that the next run (at once) may be anyone's; after an idle run it
 * is kept until it expires, so that one replica does the job once per interval for all of them.
 */
export async function runFenced(
  job: WorkerJob,
  locks: DistributedLock,
  stopping: AbortSignal,
): Promise<number | undefined> {
  const leaseMs = Math.max(job.idleIntervalMs, MIN_LEASE_MS);
  const lease = await locks.tryAcquire(`job:${job.name}`, leaseMs).catch(() => undefined);
  if (!lease) return undefined;
  const lost = new AbortController();
  const renewal = setInterval(() => {
    void lease
      .extend(leaseMs)
      .catch(() => false)
      .then((held) => held || lost.abort(new Error(`lost the lock of job ${job.name}`)));
  }, leaseMs / 3);
  renewal.unref();
  const run: JobRun = { fencingToken: lease.fencingToken };
  let done = 0;
  try {
    done = await job.runOnce(AbortSignal.any([stopping, lost.signal]), run);
    return done;
  } finally {
    clearInterval(renewal);
    if (done > 0 || stopping.aborted) await lease.release().catch(() => false);
  }
}
