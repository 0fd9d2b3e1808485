// Steps shared by the scripts that compile a part of the project with tsc (sdk-build.mjs,
// build-inbox-page.mjs): skipping a build whose output is newer than its inputs, and running tsc.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file of `files`, and of `dirs` walked recursively. */
export function inputsOf(files, dirs) {
  const all = [...files];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else all.push(path);
    }
  };
  for (const dir of dirs) walk(dir);
  return all;
}

/** True when `--if-stale` was asked and the stamp is newer than every input: nothing to do. */
export function upToDate(stamp, inputs) {
  if (!process.argv.includes('--if-stale') || !existsSync(stamp)) return false;
  return statSync(stamp).mtimeMs >= Math.max(...inputs.map((file) => statSync(file).mtimeMs));
}

/** Runs the project's own tsc on one tsconfig; exits the script when it fails. */
export function runTsc(root, tsconfig, label) {
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], {
    stdio: 'inherit',
  });
  if (tsc.status !== 0) {
    process.stderr.write(`${label}: tsc failed\n`);
    process.exit(tsc.status ?? 1);
  }
}
