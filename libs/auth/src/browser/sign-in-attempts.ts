import { Injectable } from '@nestjs/common';
import { Cache } from '@flowgate/core';
import { createHash } from 'node:crypto';

/** What the callback needs to finish a sign-in this browser started. */
export interface SignInAttempt {
  /** SHA-256 of the random value in the browser's sign-in cookie: ties the callback to this browser. */
  readonly bindingHash: string;
  readonly codeVerifier: string;
  readonly nonce: string;
  readonly returnTo: string;
  readonly stepUp: boolean;
  /** The origin the browser used; the callback must arrive on the same one. */
  readonly origin: string;
}

const ATTEMPT_TTL_MS = 10 * 60_000;

/**
 * Sign-ins in progress, by `state`, in the shared cache (any instance may receive the callback).
 * Taken once: a replayed callback finds nothing.
 */
@Injectable()
export class SignInAttempts {
  constructor(private readonly cache: Cache) {}

  save(state: string, attempt: SignInAttempt): Promise<void> {
    return this.cache.set(keyOf(state), attempt, ATTEMPT_TTL_MS);
  }

  async take(state: string): Promise<SignInAttempt | undefined> {
    const attempt = await this.cache.get<SignInAttempt>(keyOf(state));
    if (attempt) await this.cache.delete(keyOf(state));
    return attempt;
  }
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

const keyOf = (state: string) => `sign-in:${sha256(state)}`;
