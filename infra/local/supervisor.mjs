// A small local supervisor for `npm start`: one crashed service is restarted, not a reason to stop
// the others. Exponential backoff between restarts (a service that dies at once is not respawned in
// a hot loop), reset once it has stayed up for a while; after too many rapid failures it gives up
// and says so. Stopping is always deliberate and never triggers a restart.

const seconds = (ms) => `${Number((ms / 1000).toFixed(2))} s`;

/**
 * @param {object} o
 * @param {string} o.name                     what to call it in messages
 * @param {() => import('node:child_process').ChildProcess} o.spawn  starts one instance
 * @param {(line: string) => void} [o.say]    where the restart messages go
 * @param {number} [o.initialDelayMs]         first backoff (then doubled per rapid failure)
 * @param {number} [o.maxDelayMs]             backoff ceiling
 * @param {number} [o.stableMs]               up this long, a later exit counts as a first failure again
 * @param {number} [o.maxRapidFailures]       rapid failures in a row before giving up
 * @param {(reason: string) => void} [o.onGiveUp]
 * @param {string} [o.logHint]                appended to messages (where the log is)
 */
export function supervise({
  name,
  spawn,
  say = (line) => console.log(line),
  initialDelayMs = 500,
  maxDelayMs = 30_000,
  stableMs = 60_000,
  maxRapidFailures = 8,
  onGiveUp = () => {},
  logHint = '',
}) {
  let start = spawn;
  let child = null;
  let startedAt = 0;
  let rapidFailures = 0;
  let restarts = 0;
  let timer = null;
  let stopped = false;
  let gaveUp = false;
  const hint = logHint ? `; ${logHint}` : '';

  const launch = () => {
    timer = null;
    startedAt = Date.now();
    const c = start();
    child = c;
    c.once('exit', (code, signal) => {
      if (child !== c) return;
      child = null;
      if (stopped) return;
      const how = signal ?? `code ${code}`;
      rapidFailures = Date.now() - startedAt >= stableMs ? 1 : rapidFailures + 1;
      if (rapidFailures > maxRapidFailures) {
        gaveUp = true;
        const reason = `${name} exited (${how}) ${rapidFailures} times in a row, each within ${seconds(stableMs)} of starting; not restarting it again${hint}`;
        say(`✗ ${reason}`);
        onGiveUp(reason);
        return;
      }
      const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** (rapidFailures - 1));
      restarts += 1;
      say(`↻ ${name} exited (${how}), restarting in ${seconds(delay)} (restart ${restarts})${hint}`);
      timer = setTimeout(launch, delay);
    });
  };

  /** Ends the running instance: SIGTERM, SIGKILL after graceMs. No restart follows. */
  const end = (graceMs) =>
    new Promise((resolve) => {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return resolve();
      const kill = setTimeout(() => c.kill('SIGKILL'), graceMs);
      c.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      c.kill('SIGTERM');
    });

  launch();
  return {
    get child() {
      return child;
    },
    get restarts() {
      return restarts;
    },
    get gaveUp() {
      return gaveUp;
    },
    /** Stops it for good (Ctrl-C): a pending restart is cancelled. */
    async stop(graceMs = 25_000) {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await end(graceMs);
    },
    /** A deliberate restart, optionally with another way to start it (new settings): not counted as a failure. */
    async replace(nextSpawn = start, graceMs = 60_000) {
      stopped = true;
      if (timer) clearTimeout(timer);
      await end(graceMs);
      start = nextSpawn;
      stopped = false;
      gaveUp = false;
      rapidFailures = 0;
      launch();
    },
  };
}
