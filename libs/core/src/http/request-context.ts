import { AmbientSlot } from '../context/ambient-slot';

/** Facts about the current request that deep layers (the audit log, log lines) record without
 * every service passing them down. */
export interface RequestContext {
  readonly requestId: string;
  readonly clientIp: string | undefined;
  readonly userAgent: string | undefined;
}

const slot = new AmbientSlot<RequestContext>('request context');

export function runInRequestContext<T>(context: RequestContext, work: () => T): T {
  return slot.run(context, work);
}

/** The current request's context; undefined outside a request (jobs, scripts). */
export function currentRequestContext(): RequestContext | undefined {
  return slot.get();
}
