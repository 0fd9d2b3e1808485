import { Injectable, Logger } from '@nestjs/common';
import { FlowgateConfig } from '@flowgate/core';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const SEALED = 'aes256gcm:';
const UNSEALED = 'plain:';

/**
 * Keeps signing secrets unreadable at rest: AES-256-GCM under `WEBHOOK_SECRETS_KEY` (a random IV
 * per secret; the tag makes tampering fail loudly). The API shows a secret once, when it is made;
 * only the deliverer opens it again, to sign. Without a key (development and tests that do not set
 * one; production refuses to start) secrets are stored marked `plain:`, and a key set later still
 * opens them, so adding one needs no migration: rotating each secret then seals it.
 */
@Injectable()
export class SecretBox {
  private readonly key: Buffer | undefined;

  constructor(config: FlowgateConfig) {
    const { secretsKey } = config.webhooks;
    this.key = secretsKey === undefined ? undefined : Buffer.from(secretsKey, 'base64');
    if (!this.key)
      new Logger(SecretBox.name).warn('WEBHOOK_SECRETS_KEY is not set: webhook secrets are stored unsealed');
  }

  seal(secret: string): string {
    if (!this.key) return `${UNSEALED}${secret}`;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return `${SEALED}${[iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64')).join('.')}`;
  }

  open(sealed: string): string {
    if (sealed.startsWith(UNSEALED)) return sealed.slice(UNSEALED.length);
    if (!this.key) throw new Error('A sealed webhook secret needs WEBHOOK_SECRETS_KEY to be opened');
    const [iv, tag, ciphertext] = sealed
      .slice(SEALED.length)
      .split('.')
      .map((part) => Buffer.from(part, 'base64'));
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('the signing secret does not open with WEBHOOK_SECRETS_KEY (was the key changed?)');
    }
  }
}
