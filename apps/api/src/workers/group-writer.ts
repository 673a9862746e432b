interface Waiter<R> {
  resolve(r: R | undefined): void;
  reject(err: unknown): void;
}

/**
 * Group commit: items are written in one call (one statement, one commit) instead of one each. An item
 * is written at once when no write is in flight; those that arrive during a write go together in the
 * next one, so a lone item waits for nothing and a busy stream costs one write per round trip. The same
 * key twice before its write: the later item is written, and both callers get its result.
 */
export class GroupWriter<T, R> {
  private pending = new Map<string, { item: T; waiters: Array<Waiter<R>> }>();
  private writing = false;

  constructor(
    private readonly write: (items: Map<string, T>) => Promise<Map<string, R>>,
    private readonly maxBatch = 5_000,
  ) {}

  /** Resolves with the write's result for the key (undefined when the write returned none for it). */
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
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.pending.size > 0) {
        const batch = new Map<string, { item: T; waiters: Array<Waiter<R>> }>();
        for (const [k, e] of this.pending) {
          batch.set(k, e);
          this.pending.delete(k);
          if (batch.size >= this.maxBatch) break;
        }
        try {
          const out = await this.write(new Map([...batch].map(([k, e]) => [k, e.item])));
          for (const [k, e] of batch) for (const w of e.waiters) w.resolve(out.get(k));
        } catch (err) {
          for (const e of batch.values()) for (const w of e.waiters) w.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
