import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, JWK, KeyLike } from 'jose';

export interface DevSigningKey {
  readonly kid: string;
  readonly privateKey: KeyLike;
  readonly publicKey: KeyLike;
  readonly publicJwk: JWK;
}

const FILE = 'signing-key.json';

/**
 * The development issuer's RS256 key: generated on first use and kept in the (git-ignored) data
 * folder, so tokens it signed (`npm run token`) keep working across restarts. Never used in
 * production: configuration refuses to enable the development issuer there.
 */
export async function loadOrCreateDevSigningKey(keyDir: string): Promise<DevSigningKey> {
  const privateJwk = await readOrCreate(join(resolve(keyDir), FILE), resolve(keyDir));
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
  return {
    kid: privateJwk.kid!,
    privateKey: (await importJWK(privateJwk, 'RS256')) as KeyLike,
    publicKey: (await importJWK(publicJwk, 'RS256')) as KeyLike,
    publicJwk,
  };
}

/**
 * Several processes may start at once (parallel test workers, instances sharing one data
 * folder): the key file is created exclusively (`wx`), and a process that loses the race, or
 * reads while the winner is still writing, waits and reads the winner's key instead of
 * replacing it.
 */
async function readOrCreate(path: string, dir: string): Promise<JWK> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as JWK;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        await new Promise((wake) => setTimeout(wake, 20)); // partly written: read again
        continue;
      }
    }
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk: JWK = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig' };
    jwk.kid = await calculateJwkThumbprint(jwk);
    await mkdir(dir, { recursive: true });
    try {
      await writeFile(path, JSON.stringify(jwk, null, 2), { mode: 0o600, flag: 'wx' });
      await chmod(path, 0o600);
      return jwk;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new Error(`Could not read the development signing key at ${path}`);
}
