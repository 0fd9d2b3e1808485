/**
 * Runs `purge` (which deletes at most `batch` rows and says how many) until a call deletes fewer
 * than a full batch, or shutdown is asked for; returns the rows deleted. Purging in batches keeps
 * each transaction short; on abort the batch in hand finishes and no other starts.
 */
export async function drainBatches(signal: AbortSignal, batch: number, purge: () => Promise<number>): Promise<number> {
  let total = 0;
  for (let deleted = batch; deleted === batch && !signal.aborted; total += deleted) deleted = await purge();
  return total;
}
