import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from './flowgate-sources';

/**
 * Where .ci/run unpacks Debian packages whose binary a deploy spec needs but whose service must
 * not be installed (promtool comes with the Prometheus server package).
 */
const UNPACKED_TOOLS = join(REPOSITORY_ROOT, '.tmp', 'tools', 'usr', 'bin');

/**
 * The path of a command-line tool a deploy spec runs, from PATH or .tmp/tools. Missing, it throws
 * with the command that installs it, rather than letting the spec pass without checking anything.
 */
export function localTool(name: string, install: string): string {
  const unpacked = join(UNPACKED_TOOLS, name);
  if (existsSync(unpacked)) return unpacked;
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`${name} is not installed, and the deploy specs need it: ${install} (as .ci/run does)`);
  }
}

/** Runs a tool and returns its stdout; a non-zero exit throws with its stderr and stdout. */
export function runTool(path: string, args: string[], cwd = REPOSITORY_ROOT): string {
  try {
    return execFileSync(path, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${path} ${args.join(' ')} failed:\n${failure.stderr ?? ''}${failure.stdout ?? ''}`);
  }
}
