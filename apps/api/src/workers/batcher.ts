interface Waiter<R> {
  resolve(r: R | undefined): void;
  reject(err: unknown): void;
}

/**
 * Many calls by key as one (one statement, one round trip): group commit for writes, a data loader for reads.
 * An item goes at once when no call is in flight; those that arrive meanwhile go together in the next one, so a
 * lone item waits for nothing and a busy stream costs one call per round trip. The same key twice before its
 * call: the later item goes, and both callers get its result.
 */
export class Batcher<T, R> {
  private pending = new Map<string, { item: T; waiters: Array<Waiter<R>> }>();
  private busy = false;

  constructor(
    private readonly call: (items: Map<string, T>) => Promise<Map<string, R>>,
    private readonly maxBatch = 5_000,
  ) {}

  /** Resolves with the call's result for the key (undefined when the call returned none for it). */
  submit(key: string, item: T): Promise<R | undefined> {
    return new Promise((resolve, reject) => {
      const entry = this.pending.get(key);
      if (entry) {
        entry.item = item;
        entry.waiters.push({ resolve, reject });
      } else this.pending.set(key, { item, waiters: [{ resolve, reject }] });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.pending.size > 0) {
        const batch = new Map<string, { item: T; waiters: Array<Waiter<R>> }>();
        for (const [k, e] of this.pending) {
          batch.set(k, e);
          this.pending.delete(k);
          if (batch.size >= this.maxBatch) break;
        }
        try {
          const out = await this.call(new Map([...batch].map(([k, e]) => [k, e.item])));
          for (const [k, e] of batch) for (const w of e.waiters) w.resolve(out.get(k));
        } catch (err) {
          for (const e of batch.values()) for (const w of e.waiters) w.reject(err);
        }
      }
    } finally {
      this.busy = false;
    }
  }
}
