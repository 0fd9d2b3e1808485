import { Injectable } from '@nestjs/common';
import { FlowgateConfig } from '@flowgate/core';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CheckedReceiver } from './receiver-address';

/** What one attempt came to: the receiver's status, or why there was none. */
export type AttemptResult =
  | { readonly kind: 'answered'; readonly statusCode: number; readonly latencyMs: number }
  | { readonly kind: 'failed'; readonly error: string; readonly latencyMs: number };

export interface SignedMessage {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The receiver's answer is not read beyond this: only its status matters. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Sends one signed webhook with Node's own client: to the address the SSRF check approved (the
 * `lookup` hook answers with it, so nothing resolves the host again), with the URL's host name for
 * TLS verification and `Host`, within the configured timeout, never following a redirect (a 3xx is
 * a failed attempt like any other non-2xx).
 */
@Injectable()
export class WebhookSender {
  private readonly timeoutMs: number;

  constructor(config: FlowgateConfig) {
    this.timeoutMs = config.webhooks.requestTimeoutMs;
  }

  send(receiver: CheckedReceiver, message: SignedMessage): Promise<AttemptResult> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    const pinned: LookupFunction = (_host, options, callback) => {
      if (options.all) callback(null, [{ address: receiver.address, family: receiver.family }]);
      else callback(null, receiver.address, receiver.family);
    };
    const send = receiver.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<AttemptResult>((resolve) => {
      const request = send(receiver.url, {
        method: 'POST',
        lookup: pinned,
        signal: AbortSignal.timeout(this.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(message.body),
          'user-agent': 'Flowgate-Webhooks/1',
          ...message.headers,
        },
      });
      request.once('response', (response: IncomingMessage) => {
        const statusCode = response.statusCode ?? 0;
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) response.destroy();
        });
        const done = () => resolve({ kind: 'answered', statusCode, latencyMs: latency() });
        response.once('end', done);
        response.once('close', done);
        response.once('error', done);
      });
      request.once('error', (error: Error) =>
        resolve({ kind: 'failed', error: describeFailure(error, this.timeoutMs), latencyMs: latency() }),
      );
      request.end(message.body);
    });
  }
}

function describeFailure(error: Error, timeoutMs: number): string {
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${code}: ${error.message}`.slice(0, 500) : error.message.slice(0, 500);
}
