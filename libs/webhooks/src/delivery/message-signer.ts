import { Webhook } from 'standardwebhooks';

/**
 * The three Standard Webhooks headers for one attempt: the message id (the same on every attempt),
 * the attempt's time, and a `v1,` signature per secret, space-separated — during a rotation's
 * window the new secret and the old one both sign, so a receiver holding either verifies.
 */
export function signatureHeaders(
  message: { readonly messageId: string; readonly body: string },
  secrets: readonly string[],
  at: Date = new Date(),
): Record<string, string> {
  return {
    'webhook-id': message.messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets
      .map((secret) => new Webhook(secret).sign(message.messageId, at, message.body))
      .join(' '),
  };
}
