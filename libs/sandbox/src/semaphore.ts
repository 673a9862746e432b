/**
 * A pool of `size` numbered slots. `acquire` resolves with a free slot index (FIFO); the slot number
 * picks the run's uid, so two programs running at the same time never share one.
 */
export class SlotPool {
  private readonly free: number[];
  private readonly waiting: Array<(slot: number) => void> = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`pool size must be a positive integer, got ${size}`);
    this.free = Array.from({ length: size }, (_, i) => i);
  }

  acquire(): Promise<number> {
    const slot = this.free.shift();
    if (slot !== undefined) return Promise.resolve(slot);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(slot: number): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.free.push(slot);
  }

  async use<T>(fn: (slot: number) => Promise<T>): Promise<T> {
    const slot = await this.acquire();
    try {
      return await fn(slot);
    } finally {
      this.release(slot);
    }
  }

  /** Runs in progress. */
  get busy(): number {
    return this.size - this.free.length;
  }
}
