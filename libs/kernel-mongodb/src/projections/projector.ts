import type { Collection, Db } from 'mongodb';
import { lazyInstruments } from '@yiwang/kernel-core/telemetry';
import { type EventStore, type Fence, type RecordedEvent, LeasedWorker, uuidv7 } from '@yiwang/kernel-core';
import { MongoLease } from '../leases/mongo-lease';
import type { Projection } from '@yiwang/kernel-core';
import { BatchReadModels, BlindInsertClashError, MongoReadModels } from './read-model';
import { documentsKeptFor } from './kept-documents';

interface ProjectionStateDoc {
  _id: string;
  generation: number;
  position: number;
  rebuiltAt?: Date;
}

export interface ProjectorOptions {
  readonly batchSize?: number;
  /** Wait after a pass that found nothing; it doubles while idle, up to `maxPollIntervalMs`. */
  readonly pollIntervalMs?: number;
  /** Longest idle wait (new events of this process wake it at once). Default 2 s. */
  readonly maxPollIntervalMs?: number;
  /** Default 15 s: a renewal every 5 s is a projector's only write at rest. */
  readonly leaseTtlMs?: number;
  readonly owner?: string;
}

/** How often a holding projector stores its checkpoint while events keep coming. */
const SAVE_INTERVAL_MS = 1_000;
/**
 * How long a process that does not hold the lease trusts the generation it last read (readers and
 * inline projections ask for it on every call). A rebuild waits this long, and a little more,
 * after switching before it drops the old generation, so no reader is left on dropped collections.
 */
export const GENERATION_TRUSTED_MS = 2_000;

const instruments = lazyInstruments((meter) => ({
  applied: meter.createCounter('yiwang.projection.applied', { description: 'events applied by projections' }),
}));

/**
 * Keeps one projection's read models up to date from the ordered log, with a checkpoint, and can
 * rebuild them from position 0 into a fresh generation that is swapped in when it has caught up.
 * One active projector per projection (a lease); readers get models via `models()`.
 */
export class Projector {
  private readonly state: Collection<ProjectionStateDoc>;
  private readonly lease: MongoLease;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly worker: LeasedWorker;
  private running = false;
  private readonly handles: ReadonlySet<string>;
  /** The state while this process holds the lease (only the holder moves it), else null. */
  private held: ProjectionStateDoc | null = null;
  /** The generation last read, and when (see {@link GENERATION_TRUSTED_MS}). */
  private seen: { generation: number; at: number } | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly db: Db,
    private readonly store: EventStore,
    readonly projection: Projection,
    options: ProjectorOptions = {},
  ) {
    this.state = db.collection<ProjectionStateDoc>('projection_state');
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.lease = new MongoLease(db, `projection:${projection.name}`, options.owner ?? `projector-${uuidv7()}`, {
      ttlMs: options.leaseTtlMs ?? 15_000,
    });
    this.handles = new Set(projection.handles);
    this.worker = new LeasedWorker({
      lease: this.lease,
      pollIntervalMs: this.pollIntervalMs,
      maxPollIntervalMs: Math.max(this.pollIntervalMs, options.maxPollIntervalMs ?? 2_000),
      step: async (fence) => (await this.catchUpHeld(fence)) > 0,
      onLeaseGained: () => {
        this.held = null; // another holder may have moved it
        this.savedPosition = -1;
      },
      onError: () => {
        this.held = null;
      },
      // The last checkpoint while the term is still ours: after the release it could overwrite a
      // new holder's.
      beforeRelease: () => this.saveHeld(true),
    });
  }

  /** The read models as they are now (current generation). */
  async models(): Promise<MongoReadModels> {
    return new MongoReadModels(this.db, this.projection.name, await this.generation());
  }

  /** The current generation: the holder knows it, others trust what they read for a moment. */
  private async generation(): Promise<number> {
    if (this.worker.isSurelyHolding && this.held) return this.held.generation;
    if (this.seen && Date.now() - this.seen.at < GENERATION_TRUSTED_MS) return this.seen.generation;
    return (await this.current()).generation;
  }

  async checkpoint(): Promise<number> {
    return (await this.current()).position;
  }

  /** Applies events after the checkpoint until the log is exhausted; returns how many were applied. */
  async catchUp(): Promise<number> {
    let applied = 0;
    for (;;) {
      const s = await this.current();
      const n = await this.applyBatch(s.generation, s.position, async (position) => {
        await this.state.updateOne({ _id: this.projection.name, generation: s.generation }, { $set: { position } });
      });
      if (n.read === 0) return applied;
      applied += n.applied;
    }
  }

  /**
   * The loop's pass: the checkpoint from memory while holding (this process alone moves it), and
   * stored at most once a second. A crash replays at most that second, onto documents whose guards
   * skip what they already hold.
   *
   * Every write (a batch's read models, the checkpoint) is fenced: a projector whose term was taken
   * over mid-pass stops before its next write, so it never writes next to the new holder.
   */
  private async catchUpHeld(fence: Fence): Promise<number> {
    let applied = 0;
    for (;;) {
      const s = this.held ?? (await this.current());
      this.held = s;
      const n = await this.applyBatch(
        s.generation,
        s.position,
        async (position) => {
          this.held = { ...s, position };
        },
        fence,
      );
      if (n.read === 0) {
        await this.saveHeld(false, fence);
        return applied;
      }
      applied += n.applied;
      await this.saveHeld(false, fence);
    }
  }

  private savedPosition = -1;
  private savedAt = 0;

  private async saveHeld(force: boolean, fence?: Fence): Promise<void> {
    const s = this.held;
    if (!s || s.position === this.savedPosition) return;
    if (!force && Date.now() - this.savedAt < SAVE_INTERVAL_MS) return;
    await fence?.();
    await this.state.updateOne({ _id: this.projection.name, generation: s.generation }, { $set: { position: s.position } });
    this.savedPosition = s.position;
    this.savedAt = Date.now();
  }

  /** Applies events inline, right after a command appended them (read-your-writes). */
  async applyInline(events: readonly RecordedEvent[]): Promise<void> {
    if (!events.some((e) => this.handles.has(e.type))) return;
    const models = new MongoReadModels(this.db, this.projection.name, await this.generation());
    for (const e of events) if (this.handles.has(e.type)) await this.projection.apply(e, models);
  }

  /**
   * Replays the whole log into generation g+1 while readers keep using g, then switches.
   * Runs with the live loop paused so no event is applied to the old generation after the switch.
   */
  async rebuild(): Promise<{ generation: number; position: number; applied: number }> {
    const wasRunning = this.running;
    if (wasRunning) await this.stop();
    this.running = false;
    const before = await this.current();
    const generation = before.generation + 1;
    for (const name of await this.collectionsOf(generation)) {
      documentsKeptFor(this.db).forgetCollection(name);
      await this.db
        .collection(name)
        .drop()
        .catch(() => undefined);
    }
    let position = 0;
    let applied = 0;
    for (;;) {
      const n = await this.applyBatch(generation, position, async (p) => {
        position = p;
      });
      applied += n.applied;
      if (n.read === 0) break;
    }
    await this.state.updateOne({ _id: this.projection.name }, { $set: { generation, position, rebuiltAt: new Date() } });
    this.seen = { generation, at: Date.now() };
    // Readers elsewhere may still use the old generation for a moment: it goes when they cannot.
    await new Promise((r) => setTimeout(r, GENERATION_TRUSTED_MS + 500));
    for (const name of await this.collectionsOf(before.generation)) {
      documentsKeptFor(this.db).forgetCollection(name);
      await this.db
        .collection(name)
        .drop()
        .catch(() => undefined);
    }
    if (wasRunning) this.start();
    return { generation, position, applied };
  }

  start(): void {
    this.running = true;
    // New events of this process wake the loop at once (no need to poll for them).
    this.unsubscribe ??= this.store.onLogAdvanced?.(() => this.worker.wake()) ?? null;
    this.worker.start();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.worker.stop();
    this.held = null;
  }

  wake(): void {
    this.worker.wake();
  }

  private async applyBatch(
    generation: number,
    after: number,
    save: (position: number) => Promise<void>,
    fence?: Fence,
  ): Promise<{ read: number; applied: number }> {
    const events = await this.store.readAll({ after, limit: this.batchSize });
    if (events.length === 0) return { read: 0, applied: 0 };
    const handled = events.filter((e) => this.handles.has(e.type));
    // Each document is read and written at most once per batch, however many events touch it.
    const run = async (blindInserts: boolean): Promise<void> => {
      const models = new BatchReadModels(this.db, this.projection.name, generation, blindInserts);
      if (this.projection.applyBatch) {
        if (handled.length > 0) await this.projection.applyBatch(handled, models);
      } else {
        for (const e of handled) await this.projection.apply(e, models);
      }
      await fence?.();
      await models.flush();
    };
    // A clash (a blind insert met a document, or the inline projection wrote one meanwhile) reruns
    // the batch reading first; the guards skip what is already there.
    for (let attempt = 0; ; attempt++) {
      try {
        await run(attempt === 0);
        break;
      } catch (e) {
        if (!(e instanceof BlindInsertClashError) || attempt >= 5) throw e;
      }
    }
    const applied = handled.length;
    await save(events[events.length - 1]!.position);
    instruments().applied.add(applied, { projection: this.projection.name });
    return { read: events.length, applied };
  }

  private async current(): Promise<ProjectionStateDoc> {
    let s = await this.state.findOne({ _id: this.projection.name });
    if (!s) {
      await this.state.insertOne({ _id: this.projection.name, generation: 1, position: 0 }).catch(() => undefined);
      s = (await this.state.findOne({ _id: this.projection.name }))!;
    }
    this.seen = { generation: s.generation, at: Date.now() };
    return s;
  }

  private async collectionsOf(generation: number): Promise<string[]> {
    const prefix = `rm_${this.projection.name}_`;
    const suffix = `_g${generation}`;
    const all = await this.db.listCollections({}, { nameOnly: true }).toArray();
    return all.map((c) => c.name).filter((n) => n.startsWith(prefix) && n.endsWith(suffix));
  }
}
