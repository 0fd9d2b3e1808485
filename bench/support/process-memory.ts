import { readFile } from 'node:fs/promises';

/** Resident set size of a process in MiB, from `/proc/<pid>/status` (`VmRSS`, in kB): what the
 * kernel counts against a container's memory limit, heap and native memory alike. */
export async function residentMegabytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  return Number(match[1]) / 1024;
}
