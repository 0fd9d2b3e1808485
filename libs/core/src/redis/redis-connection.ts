import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Gauge } from 'prom-client';
import { FlowgateConfig } from '../config/flowgate-config';
import { DegradedModes } from '../observability/degraded-modes';
import { Metrics } from '../observability/metrics';
import { BreakerState, RedisCircuitBreaker } from './redis-circuit-breaker';
import { createRedisClient, pingEveryPrimary, type RedisClient } from './redis-client';
import type { RedisCommands } from './redis-commands';
import { RedisUnavailable } from './redis-unavailable';

const COMPONENT = 'redis';
const DEGRADED_DESCRIPTION =
  'Redis unreachable: principal cache bypassed, idempotency guarded by PostgreSQL alone, denials audited one by one';

/**
 * The service's one Redis client (ioredis; a `Cluster` for a Redis Cluster, ADR 21), or none in single-instance development mode where
 * in-process stand-ins are used. Every Redis-backed part sends its commands through `run`, and
 * namespaces its keys under the configured prefix plus a prefix of its own.
 *
 * Redis is a soft dependency (ADR 9), so its absence must cost requests nothing but their
 * fallbacks. Commands are never queued while disconnected, and a circuit breaker
 * (`RedisCircuitBreaker`) fails every call at once while Redis is away, probing in the background
 * until it answers again. One log line per change of state, `redis_breaker_open` in /metrics, and
 * readiness says `degraded`.
 */
@Injectable()
export class RedisConnection implements RedisCommands, OnModuleInit, OnApplicationShutdown {
  readonly client: RedisClient | undefined;
  private readonly breaker: RedisCircuitBreaker | undefined;
  private readonly breakerOpen: Gauge;
  /** The last connection error ioredis reported: the cause logged when the breaker opens. */
  private lastError: Error | undefined;
  private connectedOnce = false;

  constructor(
    private readonly config: FlowgateConfig,
    private readonly logger: PinoLogger,
    private readonly degraded: DegradedModes,
    metrics: Metrics,
  ) {
    this.logger.setContext(RedisConnection.name);
    this.breakerOpen = new Gauge({
      name: 'redis_breaker_open',
      help: '1 while the Redis circuit breaker is open (Redis unreachable: calls fail at once, fallbacks serve), else 0',
      registers: [metrics.registry],
    });
    const { commandTimeoutMs, breakerProbeIntervalMs } = config.redis;
    this.client = createRedisClient(config.redis);
    if (!this.client) return;
    this.breakerOpen.set(1);
    this.breaker = new RedisCircuitBreaker({
      probe: () => this.pingClient(commandTimeoutMs),
      probeIntervalMs: breakerProbeIntervalMs,
      onChange: (state, cause) => this.changed(state, cause),
    });
    // ioredis emits an error on every reconnection attempt: kept as the cause, logged once by the breaker.
    this.client.on('error', (error: Error) => (this.lastError = error));
    // A cluster reports a node's connection errors apart; a plain client never emits this.
    this.client.on('node error', (error: Error) => (this.lastError = error));
    this.client.on('ready', () => this.breaker?.probeNow());
    this.client.on('close', () => this.breaker?.open(this.lastError ?? new Error('Redis connection closed')));
  }

  get mode(): 'redis' | 'in-process' {
    return this.client ? 'redis' : 'in-process';
  }

  /** False while the breaker is open (Redis unreachable); always true for the in-process stand-ins. */
  get available(): boolean {
    return !this.breaker || this.breaker.state === 'closed';
  }

  /**
   * Start-up waits (at most the connect timeout) for Redis to answer, so that the first requests
   * find it. If it does not, the instance starts anyway, degraded: Redis is not needed to serve.
   */
  async onModuleInit(): Promise<void> {
    const client = this.client;
    if (!client || !this.breaker) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        clearInterval(poll);
        client.off('error', done);
        resolve();
      };
      const timer = setTimeout(done, this.config.redis.connectTimeoutMs);
      const poll = setInterval(() => this.available && done(), 10);
      client.on('error', done);
    });
    if (!this.available) {
      this.degraded.enter(COMPONENT, DEGRADED_DESCRIPTION);
      this.logger.warn(
        { err: this.lastError },
        'Redis unavailable at start-up: circuit breaker open, Redis calls fail at once and the fallbacks serve',
      );
    }
  }

  run<T>(command: (client: RedisClient) => Promise<T>): Promise<T> {
    const client = this.client;
    if (!client || !this.breaker) return Promise.reject(new Error('No Redis configured (in-process stand-ins)'));
    return this.breaker.run(() => command(client));
  }

  /**
   * Resolves when Redis answers PING within `timeoutMs` (a cluster: every primary); rejects
   * otherwise, at once while the breaker is open.
   */
  async ping(timeoutMs: number): Promise<void> {
    if (!this.client) return;
    await withTimeout(this.run(pingEveryPrimary), timeoutMs);
  }

  /**
   * Quits politely when connected (pending replies still arrive) and resolves once the socket is
   * closed. While Redis is unreachable there is nothing to be polite to: disconnect at once, since
   * ioredis would otherwise keep reconnecting and never report the end.
   */
  async onApplicationShutdown(): Promise<void> {
    this.breaker?.stop();
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

  /** The breaker's probe: straight to the client, since the breaker refuses calls while open. */
  private async pingClient(timeoutMs: number): Promise<void> {
    const client = this.client;
    if (client?.status !== 'ready') throw new RedisUnavailable('Redis is not connected');
    await withTimeout(pingEveryPrimary(client), timeoutMs);
  }

  private changed(state: BreakerState, cause: unknown): void {
    if (state === 'open') {
      this.breakerOpen.set(1);
      this.degraded.enter(COMPONENT, DEGRADED_DESCRIPTION);
      this.logger.warn(
        { err: cause },
        'Redis unavailable: circuit breaker open, Redis calls fail at once and the fallbacks serve',
      );
      return;
    }
    this.breakerOpen.set(0);
    this.degraded.leave(COMPONENT);
    this.lastError = undefined;
    this.logger.info(this.connectedOnce ? 'Redis available again: circuit breaker closed' : 'Redis connected');
    this.connectedOnce = true;
  }
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RedisUnavailable(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
