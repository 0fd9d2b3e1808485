import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request a receiver got, as it arrived. */
export interface ReceivedWebhook {
  readonly headers: Readonly<Record<string, string>>;
  readonly id: string;
  readonly body: string;
  readonly json: { type: string; timestamp: string; data: Record<string, unknown> };
  readonly answeredWith: number | 'hang';
}

/** How the receiver answers the n-th request (0-based) it gets: a status, or never ('hang'). */
export type Responder = (request: ReceivedWebhook & { readonly n: number }) => number | 'hang';

/**
 * A real HTTP receiver on loopback, recording every request it gets and answering as told: what a
 * customer's endpoint is to the deliverer. `hang` keeps the request open (a stuck receiver), until
 * `close`.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private respond: Responder,
  ) {
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('request', (request: IncomingMessage, response: ServerResponse) => this.handle(request, response));
  }

  static async start(respond: Responder = () => 204): Promise<WebhookReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new WebhookReceiver(server, respond);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** On 127.0.0.1 (`host` may name it otherwise, e.g. `localhost`). */
  url(host = '127.0.0.1'): string {
    return `http://${host}:${this.port}/hooks/flowgate`;
  }

  answer(respond: Responder): void {
    this.respond = respond;
  }

  /** The requests that were answered 2xx, in arrival order. */
  get accepted(): ReceivedWebhook[] {
    return this.received.filter((hook) => typeof hook.answeredWith === 'number' && hook.answeredWith < 300);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(', ') : (value ?? ''),
        ]),
      );
      const base = {
        headers,
        id: headers['webhook-id'] ?? '',
        body,
        json: JSON.parse(body) as ReceivedWebhook['json'],
      };
      const answeredWith = this.respond({ ...base, answeredWith: 'hang', n: this.received.length });
      this.received.push({ ...base, answeredWith });
      if (answeredWith === 'hang') return;
      response.statusCode = answeredWith;
      response.end();
    });
  }
}
