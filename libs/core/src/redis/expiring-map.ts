interface Entry<V> {
  value: V;
  expiresAt: number;
}

/** A Map whose entries vanish after their TTL: the storage of the in-process stand-ins. Expired
 * entries are dropped when read and in a sweep on writes, so memory stays bounded by live keys. */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private writesSinceSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  get(key: string): V | undefined {
    return this.entry(key)?.value;
  }

  /** Milliseconds left, or undefined when the key is absent. */
  ttl(key: string): number | undefined {
    const entry = this.entry(key);
    return entry ? entry.expiresAt - this.now() : undefined;
  }

  set(key: string, value: V, ttlMs: number): void {
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    if (++this.writesSinceSweep >= 1000) this.sweep();
  }

  /** Replaces the value, keeping the expiry. */
  update(key: string, value: V): void {
    const entry = this.entry(key);
    if (entry) entry.value = value;
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  private entry(key: string): Entry<V> | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    this.writesSinceSweep = 0;
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
