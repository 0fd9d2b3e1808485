import { AsyncResource } from 'node:async_hooks';
import { RedisUnavailable } from './redis-unavailable';

export type BreakerState = 'closed' | 'open';

export interface CircuitBreakerOptions {
  /** Resolves when Redis answers (a PING); rejects otherwise. Used only while open. */
  readonly probe: () => Promise<void>;
  readonly probeIntervalMs: number;
  /** Called once per change of state, with what opened it. */
  readonly onChange: (state: BreakerState, cause?: unknown) => void;
}

/** ioredis's words for "not connected" (offline queue disabled, connection closed) and for a timeout. */
const CONNECTION_MESSAGES = [
  "Stream isn't writeable",
  'Connection is closed',
  'Command timed out',
  'Reached the max retries per request limit',
];
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
/** Replies of a Redis that is up but cannot serve: still loading its data set, stuck in a script, replica without a master. */
const UNAVAILABLE_REPLY = /^(LOADING|BUSY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN)\b/;

/** Whether `error` says Redis is away, as opposed to a bad command or a script error. */
export function isRedisUnavailability(error: unknown): boolean {
  // Duck-typed, not `instanceof Error`: socket errors are made by Node's core, which need not
  // share the realm of the code asking (jest runs code in a VM context of its own).
  if (typeof error !== 'object' || error === null) return false;
  if (error instanceof RedisUnavailable) return true;
  const { name, code, message } = error as { name?: unknown; code?: unknown; message?: unknown };
  if (name === 'MaxRetriesPerRequestError' || (typeof code === 'string' && CONNECTION_CODES.has(code))) return true;
  if (typeof message !== 'string') return false;
  return CONNECTION_MESSAGES.some((text) => message.includes(text)) || UNAVAILABLE_REPLY.test(message);
}

/**
 * A circuit breaker in front of Redis, so that a Redis outage costs requests nothing but their
 * fallbacks (ADR 9). Closed: calls go through. A call failing because Redis is away (connection
 * lost or refused, a command timeout, LOADING/BUSY replies), or the connection's loss itself,
 * opens it: the calls still waiting are abandoned at once and every new call fails at once with
 * `RedisUnavailable`, instead of each waiting the command timeout. While open, a probe (PING)
 * runs every `probeIntervalMs` and whenever the client reconnects; the first answer closes it.
 *
 * No half-open state letting some requests through: the probe is the trial call, so no request
 * ever pays for finding out that Redis is still away.
 */
export class RedisCircuitBreaker {
  private current: BreakerState;
  /** Rejecters of the calls in flight, to abandon them when the breaker opens. */
  private readonly pending = new Set<(error: Error) => void>();
  private probeTimer: NodeJS.Timeout | undefined;
  private probing = false;
  private stopped = false;
  /**
   * The async context the probe timer runs in: the breaker's own, not that of the request whose
   * call opened it (whose request id would otherwise stamp the "closed" log line).
   */
  private readonly scope = new AsyncResource('RedisCircuitBreaker');

  /** Starts open (nothing connected yet) unless told otherwise; the first probe that answers closes it. */
  constructor(
    private readonly options: CircuitBreakerOptions,
    initial: BreakerState = 'open',
  ) {
    this.current = initial;
    if (initial === 'open') this.startProbing();
  }

  get state(): BreakerState {
    return this.current;
  }

  run<T>(call: () => Promise<T>): Promise<T> {
    if (this.current === 'open') return Promise.reject(new RedisUnavailable('Redis is unavailable (circuit open)'));
    return new Promise<T>((resolve, reject) => {
      this.pending.add(reject);
      let sent: Promise<T>;
      try {
        sent = call();
      } catch (error) {
        this.pending.delete(reject);
        throw error;
      }
      sent.then(
        (value) => {
          if (this.pending.delete(reject)) resolve(value);
        },
        (error: unknown) => {
          // Already abandoned when the breaker opened: the caller has its answer.
          if (!this.pending.delete(reject)) return;
          // A bad command or a script error: Redis answered, the caller gets the error as it is.
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          if (!isRedisUnavailability(error)) return reject(error);
          this.open(error);
          reject(new RedisUnavailable('Redis is unavailable', { cause: error }));
        },
      );
    });
  }

  /** Opens the breaker (the connection was lost, or a call found Redis away). */
  open(cause: unknown): void {
    if (this.current === 'open' || this.stopped) return;
    this.current = 'open';
    const waiting = [...this.pending];
    this.pending.clear();
    for (const reject of waiting) reject(new RedisUnavailable('Redis became unavailable during the call', { cause }));
    this.options.onChange('open', cause);
    this.startProbing();
  }

  /** Probes at once, e.g. when the client has just reconnected. */
  probeNow(): void {
    if (this.current !== 'open' || this.probing || this.stopped) return;
    this.probing = true;
    this.options.probe().then(
      () => {
        this.probing = false;
        this.close();
      },
      () => {
        this.probing = false;
      },
    );
  }

  /** No more probes or state changes: the application is shutting down. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.probeTimer);
    this.probeTimer = undefined;
  }

  private close(): void {
    if (this.current === 'closed' || this.stopped) return;
    this.current = 'closed';
    clearInterval(this.probeTimer);
    this.probeTimer = undefined;
    this.options.onChange('closed');
  }

  private startProbing(): void {
    clearInterval(this.probeTimer);
    this.probeTimer = this.scope.runInAsyncScope(() =>
      setInterval(() => this.probeNow(), this.options.probeIntervalMs),
    );
    this.probeTimer.unref();
  }
}
