import { randomBytes } from 'node:crypto';

/**
 * A new signing secret in the Standard Webhooks form: `whsec_` and 24 random bytes in base64 (the
 * form the `standardwebhooks` libraries take as they are: `new Webhook(secret)`).
 */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}
