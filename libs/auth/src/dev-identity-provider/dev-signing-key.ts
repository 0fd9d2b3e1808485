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
 * folder, so tokens minted by `npm run token` keep working across restarts. Never used in
 * production: configuration refuses to enable the development issuer there.
 */
export async function loadOrCreateDevSigningKey(keyDir: string): Promise<DevSigningKey> {
  const path = join(resolve(keyDir), FILE);
  let privateJwk: JWK;
  try {
    privateJwk = JSON.parse(await readFile(path, 'utf8')) as JWK;
  } catch {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    privateJwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig' };
    privateJwk.kid = await calculateJwkThumbprint(privateJwk);
    await mkdir(resolve(keyDir), { recursive: true });
    await writeFile(path, JSON.stringify(privateJwk, null, 2), { mode: 0o600 });
    await chmod(path, 0o600);
  }
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
  return {
    kid: privateJwk.kid!,
    privateKey: (await importJWK(privateJwk, 'RS256')) as KeyLike,
    publicKey: (await importJWK(publicJwk, 'RS256')) as KeyLike,
    publicJwk,
  };
}
