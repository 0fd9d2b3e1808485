import { createServer, Server, Socket } from 'node:net';

/**
 * A TCP pass-through between the app and a real PostgreSQL or Redis. `cut()` drops every
 * connection and refuses new ones, as a dead server would; `stall()` keeps the connections open
 * but forwards nothing, as a network partition or a hung server would (callers wait for their
 * timeouts); `restore()` ends either. Lets tests take a dependency away from one app instance
 * without disturbing the shared server or other tests.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private listenPort = 0;
  private stalled = false;

  private constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(target: string): Promise<TcpProxy> {
    const url = new URL(target);
    const defaultPort = url.protocol.startsWith('redis') ? 6379 : 5432;
    const proxy = new TcpProxy(url.hostname, Number(url.port || defaultPort));
    await proxy.listen();
    return proxy;
  }

  get port(): number {
    return this.listenPort;
  }

  /** `target` with its host and port pointed at this proxy. */
  route(target: string): string {
    const url = new URL(target);
    url.hostname = '127.0.0.1';
    url.port = String(this.listenPort);
    return url.toString();
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  /** Forwards nothing, in either direction, until `restore()`; connections stay open. */
  stall(): void {
    this.stalled = true;
    for (const socket of this.sockets) socket.pause();
  }

  async restore(): Promise<void> {
    if (this.stalled) {
      this.stalled = false;
      for (const socket of this.sockets) socket.resume();
    }
    if (!this.server) await this.listen();
  }

  close(): Promise<void> {
    return this.cut();
  }

  private async listen(): Promise<void> {
    const server = createServer((client) => {
      const upstream = new Socket();
      this.sockets.add(client).add(upstream);
      const drop = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      upstream.connect(this.targetPort, this.targetHost, () => {
        client.pipe(upstream).pipe(client);
        // pipe() resumes its source; a connection made while stalled must stay silent too.
        if (this.stalled) {
          client.pause();
          upstream.pause();
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listenPort, '127.0.0.1', () => resolve());
    });
    this.listenPort = (server.address() as { port: number }).port;
    this.server = server;
  }
}
