#!/usr/bin/env node
// `npm run fresh-clone:check`: the README's set-up, followed literally on a fresh clone.
//
// Clones this repository's HEAD (committed work only) into a folder that is 0700, as a home
// folder is (root's on Debian: the case where PostgreSQL, which will not run as root, cannot
// reach the checkout), runs `npm ci` there (from npm's cache when it has the packages) and
// `npm start` with no configuration at all, waits for readiness, then runs the README's shell
// blocks "Calling the API in development" and "A purchase request, end to end" as written (only
// the port differs, so that the check never meets a server of someone else's) and checks what
// they printed. Stops the API with SIGTERM and removes what it made.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const READY_TIMEOUT_MS = 240_000;
const started = performance.now();
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const say = (message) => process.stdout.write(`[fresh-clone] ${message}\n`);

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function step(name, work) {
  const since = performance.now();
  const result = work();
  say(`${name} (${seconds(since)})`);
  return result;
}

/** The shell block that follows a README heading. */
function readmeBlock(readme, heading) {
  const from = readme.indexOf(`\n${heading}\n`);
  if (from === -1) throw new Error(`README.md has no "${heading}" section`);
  const match = /```sh\n([\s\S]*?)```/.exec(readme.slice(from));
  if (!match) throw new Error(`README.md's "${heading}" has no sh block`);
  return match[1];
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

async function groupGone(pid, timeoutMs) {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    try {
      process.kill(-pid, 0);
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}

function answers(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

function expectIn(output, what, pattern) {
  if (!pattern.test(output)) throw new Error(`${what}: expected ${pattern} in:\n${output}`);
}

const home = mkdtempSync(join(tmpdir(), 'flowgate-fresh-clone-')); // 0700, like a home folder
const clone = join(home, 'flowgate');
const log = join(home, 'npm-start.log');
let server;
let dataDir;
let failed = false;
let cleaning = performance.now();

try {
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  if (execFileSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' }).trim() !== '') {
    say('note: uncommitted changes are not part of this check (it clones HEAD)');
  }
  step(`git clone (${head.slice(0, 12)}) into ${clone}`, () => {
    execFileSync('git', ['clone', '--quiet', '--no-checkout', repo, clone]);
    execFileSync('git', ['checkout', '--quiet', '--detach', head], { cwd: clone });
  });
  step('npm ci', () =>
    execFileSync('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: clone,
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );

  // No configuration: every setting .env.example names is removed from the environment (CI sets
  // DATABASE_URL and REDIS_URL, which would skip the embedded database and the stand-ins).
  const env = { ...process.env };
  for (const [, name] of readFileSync(join(clone, '.env.example'), 'utf8').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)) {
    delete env[name];
  }
  const port = await freePort();
  Object.assign(env, { PORT: String(port), EMBEDDED_POSTGRES_PORT: String(await freePort()) });

  const since = performance.now();
  const out = openSync(log, 'w');
  // Its own process group, so that stopping it reaches npm, the Nest CLI and the app alike.
  server = spawn('npm', ['start'], { cwd: clone, env, detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  const exited = new Promise((resolve) => server.once('exit', (code, signal) => resolve(signal ?? code)));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const answer = await Promise.race([
      fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (res) => res.status,
        () => undefined,
      ),
      exited.then((how) => {
        throw new Error(`npm start ended (${how}) before the API was ready`);
      }),
    ]);
    if (answer === 200) break;
    if (Date.now() > deadline) throw new Error(`the API was not ready within ${READY_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  say(`npm start: ready on port ${port} (${seconds(since)})`);
  dataDir = /data in (\S+)\)/.exec(readFileSync(log, 'utf8'))?.[1];

  // The README's commands, as written; the API's port is the only change.
  const readme = readFileSync(join(clone, 'README.md'), 'utf8').replaceAll('localhost:3000', `localhost:${port}`);
  const bash = (script) =>
    execFileSync('bash', ['-euo', 'pipefail', '-c', script], {
      cwd: clone,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });

  const tokens = [];
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const at = performance.now();
    bash('npm run -s token -- --user timing --roles viewer >/dev/null');
    tokens.push(seconds(at));
  }
  say(`npm run -s token: ${tokens.join(', ')}`);

  const me = step('README: Calling the API in development', () =>
    bash(readmeBlock(readme, '### Calling the API in development')),
  );
  expectIn(me, 'GET /v1/me with the minted token', /"displayName":"alice"/);

  const walk = step('README: A purchase request, end to end', () =>
    bash(
      `${readmeBlock(readme, '### A purchase request, end to end')}\n` +
        'echo; echo "final-state=$(curl -s "$API/workflows/$WF" -H "Authorization: Bearer $ALICE" | ' +
        `node -p 'JSON.parse(require("fs").readFileSync(0)).state')"`,
    ),
  );
  expectIn(walk, "Bob's finance approval", /"code":"separation_of_duties"/);
  expectIn(walk, "Alice's finance approval", /"code":"insufficient_role"/);
  expectIn(walk, 'the history', /"transition":"finance_approve"/);
  expectIn(walk, 'the diagram', /stateDiagram-v2/);
  expectIn(walk, 'the final state', /^final-state=approved$/m);
} catch (error) {
  failed = true;
  process.stderr.write(`[fresh-clone] FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
  try {
    const lines = readFileSync(log, 'utf8')
      .split('\n')
      .filter((line) => !line.startsWith('{"level":30'));
    process.stderr.write(`[fresh-clone] npm start said (last lines):\n${lines.slice(-40).join('\n')}\n`);
  } catch {
    // npm start never ran
  }
} finally {
  if (server) {
    // npm leaves at once on SIGTERM; the app behind it drains its requests, stops the embedded
    // PostgreSQL and exits, so the check waits until nothing of the group is left.
    const since = performance.now();
    signalGroup(server.pid, 'SIGTERM');
    const gone = await groupGone(server.pid, 30_000);
    if (!gone) signalGroup(server.pid, 'SIGKILL');
    const databasePort = Number(/127\.0\.0\.1:(\d+) \(data in/.exec(readFileSync(log, 'utf8'))?.[1]);
    const databaseUp = databasePort > 0 && (await answers(databasePort));
    say(
      `stopped with SIGTERM (${seconds(since)}): ${gone ? 'every process exited' : 'KILLED after 30 s'}, ` +
        `embedded PostgreSQL ${databaseUp ? 'STILL RUNNING' : 'stopped'}`,
    );
    if (!gone || databaseUp) failed = true;
  }
  cleaning = performance.now();
  // coreutils' rm unlinks node_modules' 45,000 files markedly faster than fs.rmSync.
  try {
    execFileSync('rm', ['-rf', home]);
  } catch {
    rmSync(home, { recursive: true, force: true });
  }
  // As root from a 0700 folder the cluster lives outside the clone (libs/core/.../embedded-postgres-placement.ts).
  if (dataDir && /\/flowgate-embedded-postgres\/data-[0-9a-f]+$/.test(dataDir))
    rmSync(dataDir, { recursive: true, force: true });
}

say(`removed the clone and its data (${seconds(cleaning)})`);
say(`${failed ? 'FAILED' : 'passed'} in ${seconds(started)}`);
process.exit(failed ? 1 : 0);
