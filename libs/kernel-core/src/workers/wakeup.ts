/**
 * A sleep that can be cut short: loops wait on it between polls, and `wake()` (new events, a stop)
 * ends the current wait at once. A wake with nobody waiting is remembered for the next wait, so a
 * nudge that arrives while the loop is busy is not lost.
 */
export class Wakeup {
  private pending: ((woken: boolean) => void) | null = null;
  private woken = false;

  /** Resolves with true when a `wake()` ended the wait, false when the time ran out. */
  wait(ms: number): Promise<boolean> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve(true);
    }
    return new Promise<boolean>((resolve) => {
      const done = (woken: boolean): void => {
        clearTimeout(timer);
        if (this.pending === done) this.pending = null;
        resolve(woken);
      };
      const timer = setTimeout(() => done(false), ms);
      this.pending = done;
    });
  }

  wake(): void {
    const p = this.pending;
    if (p) p(true);
    else this.woken = true;
  }
}
