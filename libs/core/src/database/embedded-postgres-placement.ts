import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

/** The PostgreSQL programs the `@embedded-postgres/<platform>` package ships. */
export interface PostgresBinaries {
  readonly initdb: string;
  readonly postgres: string;
}

/** The operating-system account the server runs as, when that is not the calling process's. */
export interface ServerAccount {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/** Where the server's programs and data are, and whom it runs as. */
export interface EmbeddedPlacement {
  readonly binaries: PostgresBinaries;
  readonly dataDir: string;
  /** Undefined: the server runs as the calling user. */
  readonly account: ServerAccount | undefined;
}

/** The account PostgreSQL runs as when started by root (it refuses to run as root itself). */
const SERVER_ACCOUNT = 'postgres';

/**
 * Where the programs and data of a root-started server go when the database account cannot reach
 * them where they are: a folder of root's outside any home, in `/var/tmp` (kept across reboots,
 * unlike `/tmp` on many systems).
 */
export function sharedRoot(): string {
  return join(existsSync('/var/tmp') ? '/var/tmp' : tmpdir(), 'flowgate-embedded-postgres');
}

/**
 * Decides where the embedded server's programs and data live and whom it runs as.
 *
 * Not root: the calling user runs it, from where npm installed it, on `dataDir`, as always.
 *
 * Root: PostgreSQL refuses to run as root, so it runs as the `postgres` account (created if
 * missing). That account must reach the programs and the data folder: a checkout in a private
 * home (`/root` is 0700 on Debian) is out of its reach, and `initdb` failed there with
 * "could not access directory … Permission denied". So, as root:
 * - programs the account cannot run are copied once per package version under `sharedRoot()`
 *   (root's, world-readable), and run from there;
 * - a data folder whose parent the account cannot reach moves to `sharedRoot()/data-<hash of the
 *   configured path>`: the same checkout always finds its data again, two checkouts never share.
 * Whatever is reachable stays where it is, so existing clusters keep their place.
 */
export function placeEmbeddedPostgres(
  binaries: PostgresBinaries,
  dataDir: string,
  log: (message: string) => void,
): EmbeddedPlacement {
  const wanted = resolve(dataDir);
  if (process.getuid?.() !== 0) return { binaries, dataDir: wanted, account: undefined };
  const account = serverAccount();
  return {
    binaries: reachableBinaries(binaries, account, log),
    dataDir: reachableDataDir(wanted, account, log),
    account,
  };
}

/** Whether `account` can reach `path` (search permission on it and every folder above it). */
export function canReach(account: ServerAccount, path: string): boolean {
  return spawnSync('test', ['-x', path], { uid: account.uid, gid: account.gid, cwd: '/' }).status === 0;
}

function serverAccount(): ServerAccount {
  if (!accountExists(SERVER_ACCOUNT)) {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', SERVER_ACCOUNT], { stdio: 'pipe' });
  }
  const id = (flag: string) => Number(execFileSync('id', [flag, SERVER_ACCOUNT], { encoding: 'utf8' }).trim());
  return { name: SERVER_ACCOUNT, uid: id('-u'), gid: id('-g') };
}

function accountExists(name: string): boolean {
  return spawnSync('id', ['-u', name], { stdio: 'ignore' }).status === 0;
}

function reachableBinaries(binaries: PostgresBinaries, account: ServerAccount, log: (m: string) => void) {
  if (canReach(account, binaries.postgres) && canReach(account, binaries.initdb)) return binaries;
  // bin/, lib/ and share/ sit side by side in the package's `native` folder; all three are needed.
  const native = dirname(dirname(binaries.postgres));
  const target = join(ensureSharedRoot(), `postgres-${process.platform}-${process.arch}-${packageVersion(native)}`);
  if (!existsSync(join(target, 'bin', basename(binaries.postgres)))) {
    log(`Copying the PostgreSQL programs to ${target}: the ${account.name} account cannot reach ${native}`);
    const partial = `${target}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    // verbatimSymlinks: the library links (libpq.so → libpq.so.5.18) stay relative to the copy.
    cpSync(native, partial, { recursive: true, verbatimSymlinks: true });
    chmodSync(partial, 0o755);
    try {
      renameSync(partial, target);
    } catch (error) {
      // Another start won the race; its copy is as good as this one.
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(target)) throw error;
    }
  }
  const relocated = {
    initdb: join(target, 'bin', basename(binaries.initdb)),
    postgres: join(target, 'bin', basename(binaries.postgres)),
  };
  if (!canReach(account, relocated.postgres)) {
    throw new Error(
      `The ${account.name} account cannot run ${relocated.postgres}; check the permissions of ${target}.`,
    );
  }
  return relocated;
}

function reachableDataDir(wanted: string, account: ServerAccount, log: (m: string) => void): string {
  if (existsSync(wanted) ? canReach(account, wanted) : reachableParent(account, wanted)) return wanted;
  const key = createHash('sha256').update(wanted).digest('hex').slice(0, 16);
  const relocated = join(ensureSharedRoot(), `data-${key}`);
  log(
    `Embedded PostgreSQL keeps its data in ${relocated} instead of ${wanted}: PostgreSQL does not run as root, ` +
      `and the ${account.name} account it runs as cannot reach that folder.`,
  );
  return relocated;
}

/** Creates the parents as root (mode 0755 under the umask), then asks whether the account gets through. */
function reachableParent(account: ServerAccount, path: string): boolean {
  mkdirSync(dirname(path), { recursive: true });
  return canReach(account, dirname(path));
}

/**
 * `/var/tmp` is writable by everyone: the folder must be root's own, not a link, and writable by
 * root alone, or someone else could have prepared it to receive the server's files.
 */
function ensureSharedRoot(): string {
  const root = sharedRoot();
  try {
    mkdirSync(root, { mode: 0o755 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const stats = lstatSync(root);
  if (!stats.isDirectory() || stats.isSymbolicLink() || stats.uid !== 0 || (stats.mode & 0o022) !== 0) {
    throw new Error(`Refusing to use ${root}: it must be a folder owned by root and writable by root alone.`);
  }
  return root;
}

function packageVersion(native: string): string {
  try {
    const { version } = JSON.parse(readFileSync(join(dirname(native), 'package.json'), 'utf8')) as { version: string };
    return version;
  } catch {
    return createHash('sha256').update(native).digest('hex').slice(0, 12);
  }
}
