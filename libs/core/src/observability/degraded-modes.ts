import { Injectable } from '@nestjs/common';

/**
 * What this instance currently does in a reduced way because a soft dependency is away (e.g.
 * per-instance rate limits while Redis is unreachable). Readiness reports it; components set and
 * clear their own entry as they fall back and recover.
 */
@Injectable()
export class DegradedModes {
  private readonly active = new Map<string, string>();

  enter(component: string, description: string): void {
    this.active.set(component, description);
  }

  leave(component: string): void {
    this.active.delete(component);
  }

  has(component: string): boolean {
    return this.active.has(component);
  }

  /** `{ component: description }` of every active degraded mode. */
  list(): Record<string, string> {
    return Object.fromEntries(this.active);
  }
}
