/**
 * A sleep that can be cut short: loops wait on it between polls, and `wake()` (new events, a stop)
 * ends the current wait at once. A wake with nobody waiting is remembered for the next wait, so a
 * nudge that arrives while the loop is busy is not lost.
 */
export class Wakeup {
  private pending: (() => void) | null = null;
  private woken = false;

  wait(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.pending === done) this.pending = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.pending = done;
    });
  }

  wake(): void {
    const p = this.pending;
    if (p) p();
    else this.woken = true;
  }
}
