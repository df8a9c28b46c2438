import type { LoggedEvent, EventStore } from '@yiwang/kernel-core';

/**
 * Tails the ordered log like a relay would, collecting every event it sees, until told to stop
 * and the log has no more after its cursor. Used to prove the log never skips nor repeats.
 */
export class LogTail {
  readonly seen: LoggedEvent[] = [];
  private stopping = false;
  private done: Promise<void>;

  constructor(
    private readonly store: EventStore,
    batch = 200,
  ) {
    this.done = this.run(batch);
  }

  private async run(batch: number): Promise<void> {
    let after = 0;
    for (;;) {
      const page = await this.store.readAll({ after, limit: batch });
      for (const e of page) this.seen.push(e);
      if (page.length > 0) after = page[page.length - 1]!.position;
      else if (this.stopping) return;
      else await new Promise((r) => setTimeout(r, 5));
    }
  }

  async stop(): Promise<LoggedEvent[]> {
    this.stopping = true;
    await this.done;
    return this.seen;
  }
}

/** Problems with a tail's view of the log: holes, repeats, per-stream order broken. Empty when sound. */
export function orderedLogViolations(seen: readonly LoggedEvent[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const lastVersion = new Map<string, number>();
  seen.forEach((e, i) => {
    if (e.position !== i + 1) problems.push(`position ${e.position} at index ${i} (expected ${i + 1})`);
    if (ids.has(e.id)) problems.push(`event ${e.id} seen twice`);
    ids.add(e.id);
    const prev = lastVersion.get(e.streamId) ?? 0;
    if (e.streamVersion !== prev + 1) problems.push(`stream ${e.streamId}: version ${e.streamVersion} after ${prev}`);
    lastVersion.set(e.streamId, e.streamVersion);
  });
  return problems.slice(0, 20);
}
