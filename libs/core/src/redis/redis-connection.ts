import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import { FlowgateConfig } from '../config/flowgate-config';

/**
 * The service's one Redis client (ioredis), or none in single-instance development mode where
 * in-process stand-ins are used. Every Redis-backed part takes its client from here and namespaces
 * its keys under the configured prefix plus a prefix of its own.
 */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  readonly client: Redis | undefined;

  constructor(
    config: FlowgateConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext(RedisConnection.name);
    const { url, keyPrefix, connectTimeoutMs, commandTimeoutMs } = config.redis;
    if (!url) return;
    this.client = new Redis(url, {
      keyPrefix,
      connectTimeout: connectTimeoutMs,
      commandTimeout: commandTimeoutMs,
      // Fail fast while Redis is away instead of queueing every request behind reconnect attempts.
      maxRetriesPerRequest: 1,
      enableAutoPipelining: true,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    let lastError = '';
    this.client.on('error', (error: Error) => {
      // ioredis emits the same error on every reconnect attempt; log each distinct one once.
      if (error.message === lastError) return;
      lastError = error.message;
      this.logger.warn({ err: error }, 'Redis connection error');
    });
    this.client.on('ready', () => {
      if (lastError) this.logger.info('Redis connection restored');
      lastError = '';
    });
  }

  get mode(): 'redis' | 'in-process' {
    return this.client ? 'redis' : 'in-process';
  }

  /** Resolves when Redis answers PING within `timeoutMs`; rejects otherwise. */
  async ping(timeoutMs: number): Promise<void> {
    if (!this.client) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no PONG within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.client.ping(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Quits politely when connected (pending replies still arrive) and resolves once the socket is
   * closed. While Redis is unreachable there is nothing to be polite to: disconnect at once, since
   * ioredis would otherwise keep reconnecting and never report the end.
   */
  async onApplicationShutdown(): Promise<void> {
    const client = this.client;
    if (!client || client.status === 'end') return;
    if (client.status !== 'ready') {
      client.disconnect();
      return;
    }
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        client.disconnect();
        resolve();
      }, 2_000);
      client.once('end', () => {
        clearTimeout(force);
        resolve();
      });
      client.quit().catch(() => client.disconnect());
    });
  }
}
