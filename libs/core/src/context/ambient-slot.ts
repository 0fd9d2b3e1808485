import { AsyncLocalStorage } from 'node:async_hooks';

type Frame = Readonly<Record<symbol, unknown>>;

/**
 * The one `AsyncLocalStorage` behind every value that follows a request or a unit of work through
 * async calls. Node 20 propagates each storage in use through an async hook on every promise the
 * process creates, so each extra storage is paid on every `await`; the request context and the
 * transaction runner share this one instead, each under a slot of its own.
 */
const storage = new AsyncLocalStorage<Frame>();

export class AmbientSlot<T> {
  private readonly key: symbol;

  constructor(description: string) {
    this.key = Symbol(description);
  }

  /** Runs `work` (and everything it awaits) with this slot set to `value`; other slots carry over. */
  run<R>(value: T, work: () => R): R {
    return storage.run({ ...storage.getStore(), [this.key]: value }, work);
  }

  get(): T | undefined {
    return storage.getStore()?.[this.key] as T | undefined;
  }
}
