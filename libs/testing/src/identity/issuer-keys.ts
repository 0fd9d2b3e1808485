import type { KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, JWK } from 'jose';

export interface IssuerKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  /** Public members only, with `kid`, `alg: 'RS256'` and `use: 'sig'`, as published. */
  readonly publicJwk: JWK;
}

/**
 * The issuer's RSA signing keys. Keys dropped from the JWKS by a rotation stay held, so a test
 * can still mint the token an old key would have signed before the rotation.
 */
export class IssuerKeys {
  private readonly held = new Map<string, IssuerKey>();
  private published: string[] = [];
  private currentKid = '';

  private constructor(readonly unpublished: IssuerKey) {}

  static async create(): Promise<IssuerKeys> {
    const keys = new IssuerKeys(await generateKey());
    await keys.rotate(false);
    return keys;
  }

  get current(): IssuerKey {
    return this.held.get(this.currentKid)!;
  }

  get publishedKids(): string[] {
    return [...this.published];
  }

  async rotate(keepOld: boolean): Promise<string> {
    const key = await generateKey();
    this.held.set(key.kid, key);
    // Newest first, as Entra lists a freshly rolled key before the ones it still honours.
    this.published = keepOld ? [key.kid, ...this.published] : [key.kid];
    this.currentKid = key.kid;
    return key.kid;
  }

  find(kid: string): IssuerKey | undefined {
    return kid === this.unpublished.kid ? this.unpublished : this.held.get(kid);
  }

  jwks(): { keys: JWK[] } {
    return { keys: this.published.map((kid) => ({ ...this.held.get(kid)!.publicJwk })) };
  }
}

async function generateKey(): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair<KeyObject>('RS256', { modulusLength: 2048 });
  const jwk = await exportJWK(publicKey);
  // The RFC 7638 thumbprint is unique per key, so kids never collide across rotations.
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, privateKey, publicJwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } };
}
