// Values kept for a fixed time after they were loaded, with concurrent loads of one key sharing a
// single call; a failed load is not kept, so the next request tries again.
export class ExpiringCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; expiresAt: number }>();

  constructor(private readonly ttlMs: number) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > now) return cached.value;
    const entry = { value: load(), expiresAt: now + this.ttlMs };
    this.entries.set(key, entry);
    // Only successes are kept, so made-up keys (unknown tenant ids) cannot grow the map.
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value;
  }

  /** Drops a key, so that the next get loads it afresh. */
  forget(key: string): void {
    this.entries.delete(key);
  }
}
