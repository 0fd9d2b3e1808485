import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';

/** Clock ticks per second of `/proc/<pid>/stat`'s CPU times (100 on Linux, asked once). */
let ticksPerSecond: number | undefined;

/**
 * CPU time a process has used so far, all its threads (V8's collector and libuv's pool
 * included), user and system, in milliseconds: `/proc/<pid>/stat` fields 14 and 15. Read before
 * and after a run, it gives the server's CPU per request, a figure a busy machine disturbs far
 * less than requests per second: a request costs about the same CPU however long it waited for it.
 */
export async function processCpuMs(pid: number): Promise<number> {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`/proc/${pid}/stat: no CPU times`);
  return ((utime + stime) * 1000) / ticksPerSecond;
}

/** Runs `measure` and adds the server's CPU per response (µs) over it, when `pid` is known. */
export async function withServerCpu<M extends { readonly responses: number }>(
  pid: number | undefined,
  measure: () => Promise<M>,
): Promise<M & { serverCpuUsPerResponse?: number }> {
  if (pid === undefined) return measure();
  const before = await processCpuMs(pid);
  const result = await measure();
  const used = (await processCpuMs(pid)) - before;
  return { ...result, serverCpuUsPerResponse: result.responses > 0 ? (used * 1000) / result.responses : undefined };
}
