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

/**
 * Write system calls a process has made so far, all its threads: `syscw` of `/proc/<pid>/io`.
 * Each socket write the server makes (a response, a statement or a pipeline to PostgreSQL, a
 * command to Redis; `write` and `writev` alike) counts one, and on loopback each also wakes the
 * process at the other end. Per response it is a count, not a time: the machine's load does not
 * move it, so a change that saves a round trip shows in it exactly.
 */
export async function processWriteCalls(pid: number): Promise<number> {
  const io = await readFile(`/proc/${pid}/io`, 'utf8');
  const calls = Number(/^syscw:\s*(\d+)$/m.exec(io)?.[1]);
  if (!Number.isFinite(calls)) throw new Error(`/proc/${pid}/io: no syscw`);
  return calls;
}

/**
 * Runs `measure` and adds the server's CPU (µs) and write system calls per response over it,
 * when `pid` is known.
 */
export async function withServerCpu<M extends { readonly responses: number }>(
  pid: number | undefined,
  measure: () => Promise<M>,
): Promise<M & { serverCpuUsPerResponse?: number; serverWritesPerResponse?: number }> {
  if (pid === undefined) return measure();
  const [cpuBefore, writesBefore] = await Promise.all([processCpuMs(pid), processWriteCalls(pid)]);
  const result = await measure();
  const [cpuAfter, writesAfter] = await Promise.all([processCpuMs(pid), processWriteCalls(pid)]);
  if (result.responses === 0) return result;
  return {
    ...result,
    serverCpuUsPerResponse: ((cpuAfter - cpuBefore) * 1000) / result.responses,
    serverWritesPerResponse: (writesAfter - writesBefore) / result.responses,
  };
}
