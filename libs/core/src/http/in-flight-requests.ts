import { Injectable } from '@nestjs/common';
import type { ServerResponse } from 'node:http';

/**
 * Counts requests that have started but not finished, so shutdown can wait for them. Once
 * draining starts, responses ask clients to close keep-alive connections. One instance per app,
 * shared by the `onRequest` hook that tracks them, graceful shutdown and readiness.
 */
@Injectable()
export class InFlightRequests {
  private count = 0;
  private startedCount = 0;
  private draining = false;
  private readonly idleWaiters = new Set<() => void>();

  get size(): number {
    return this.count;
  }

  /** Requests started since the process began (the idle garbage collector's sign of activity). */
  get started(): number {
    return this.startedCount;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  track(res: ServerResponse): void {
    this.count += 1;
    this.startedCount += 1;
    if (this.draining) res.setHeader('Connection', 'close');
    res.once('close', () => {
      this.count -= 1;
      if (this.count === 0) for (const wake of this.idleWaiters) wake();
    });
  }

  /** Marks the service as draining and resolves when no request is in flight or `timeoutMs` passed. */
  async drain(timeoutMs: number): Promise<{ finished: boolean; remaining: number }> {
    this.draining = true;
    if (this.count === 0) return { finished: true, remaining: 0 };
    let wake: () => void = () => undefined;
    const idle = new Promise<void>((resolve) => (wake = resolve));
    this.idleWaiters.add(wake);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([idle, timeout]);
    clearTimeout(timer);
    this.idleWaiters.delete(wake);
    return { finished: this.count === 0, remaining: this.count };
  }
}
