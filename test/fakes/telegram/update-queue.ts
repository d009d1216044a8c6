// The updates waiting for the bot, served by getUpdates as Telegram does: long polling with `timeout`,
// an update confirmed by asking with a higher `offset` is forgotten.
export interface QueuedUpdate {
  update_id: number;
  [field: string]: unknown;
}

export class UpdateQueue {
  private nextId = 1;
  private pending: QueuedUpdate[] = [];
  private waiters = new Set<() => void>();

  push(update: Record<string, unknown>): QueuedUpdate {
    const queued = { ...update, update_id: this.nextId++ };
    this.pending.push(queued);
    for (const wake of this.waiters) wake();
    return queued;
  }

  /** Updates from `offset` on; waits up to `timeoutS` seconds for one when there is none. */
  async take(offset: number, limit: number, timeoutS: number, signal: AbortSignal): Promise<QueuedUpdate[]> {
    if (offset > 0) this.pending = this.pending.filter((u) => u.update_id >= offset);
    const ready = () => this.pending.slice(0, Math.max(1, Math.min(limit, 100)));
    if (this.pending.length > 0 || timeoutS <= 0) return ready();
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutS * 1000);
      this.waiters.add(done);
      signal.addEventListener('abort', done);
    });
    return ready();
  }

  /** Updates handed out but not yet confirmed, and those not handed out yet. */
  get waiting(): number {
    return this.pending.length;
  }

  /** Wakes every long poll (on close). */
  wakeAll(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
