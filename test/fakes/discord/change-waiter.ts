// Waiting on the fake's state without sleeping a fixed time: a probe is re-run after every
// change the fake notices (a request answered, a gateway session opened or closed) and, as a
// fallback, every 25 ms.

export class ChangeWaiter {
  private readonly listeners = new Set<() => void>();

  /** Re-runs every pending probe. */
  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  /** Resolves with the probe's first value that is not undefined/null/false. */
  waitFor<T>(probe: () => T | undefined | null | false, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        let value: T | undefined | null | false;
        try {
          value = probe();
        } catch (error) {
          done();
          reject(error);
          return;
        }
        if (value !== undefined && value !== null && value !== false) {
          done();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`fake Discord: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const poll = setInterval(check, 25);
      const done = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Drops pending probes (they then time out without being re-run on changes). */
  clear(): void {
    this.listeners.clear();
  }
}
