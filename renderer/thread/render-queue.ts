// The render thread's waiting line, which hands out batches: the oldest waiting render, with up to
// `maxJobs - 1` later ones that share its batch key. When fewer are waiting, it gathers for at most
// `gatherMs` counted from the oldest one's arrival, so a render that already waited behind another
// starts at once and an idle renderer never waits longer than the window.

export interface RenderQueueOptions<T> {
  /** How many renders may share a batch with this one (1 = always alone). */
  maxJobs: (item: T) => number;
  gatherMs: number;
}

interface Waiting<T> {
  item: T;
  /** Undefined: never batched (an animation). */
  key?: string;
  arrived: number;
}

export class RenderQueue<T> {
  private readonly waiting: Waiting<T>[] = [];
  private wake?: () => void;

  constructor(private readonly options: RenderQueueOptions<T>) {}

  push(item: T, key?: string): void {
    this.waiting.push({ item, key, arrived: performance.now() });
    this.wake?.();
  }

  /** The next batch (one item or more, oldest first); waits while nothing is waiting. */
  async take(): Promise<T[]> {
    while (this.waiting.length === 0) await this.changed();
    const first = this.waiting[0];
    const limit = first.key === undefined ? 1 : Math.max(1, this.options.maxJobs(first.item));
    if (limit > 1) {
      const until = first.arrived + this.options.gatherMs;
      while (this.matching(first.key).length < limit && performance.now() < until) {
        await this.changed(until - performance.now());
      }
    }
    const taken = limit > 1 ? this.matching(first.key).slice(0, limit) : [first];
    for (const w of taken) this.waiting.splice(this.waiting.indexOf(w), 1);
    return taken.map((w) => w.item);
  }

  private matching(key: string | undefined): Waiting<T>[] {
    return this.waiting.filter((w) => w.key !== undefined && w.key === key);
  }

  /** Resolves on the next push, or after `ms` when given. */
  private changed(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(resolve, Math.max(0, ms));
      this.wake = () => {
        if (timer) clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}
