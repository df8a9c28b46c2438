import type { Collection, Db } from 'mongodb';
import { context, propagation, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { lazyInstruments } from '@yiwang/kernel-core/telemetry';
import {
  type LoggedEvent,
  type NewEvent,
  type RecordedEvent,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type ReadAllOptions,
  type ReadStreamOptions,
  ConcurrencyError,
  ValidationError,
  uuidv7,
  upcast,
  type Upcasters,
} from '@yiwang/kernel-core';
import {
  COLLECTIONS,
  commandRecordId,
  commitId,
  type CommandRecord,
  type CommitDocument,
  type PendingDocument,
  type StoredEvent,
} from './documents';
import { isDuplicateKeyError } from './mongo-errors';
import { LogSegments } from './log-segments';
import { Sequencer, type SequencerOptions } from './sequencer';

export interface MongoEventStoreOptions {
  /** Service name, used in spans, metrics and the sequencer's lease. */
  readonly serviceName: string;
  readonly upcasters?: Upcasters;
  readonly now?: () => Date;
  readonly sequencer?: Omit<SequencerOptions, 'serviceName' | 'now'>;
}

const tracer = trace.getTracer('@yiwang/kernel');
const instruments = lazyInstruments((meter) => ({
  appended: meter.createCounter('yiwang.events.appended', { description: 'events appended to the event store' }),
  conflicts: meter.createCounter('yiwang.events.append_conflicts', { description: 'appends refused for a stale expected version' }),
}));

const STREAM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
const MAX_HEADS_CACHED = 100_000;

/**
 * The event store on MongoDB 7 and FerretDB 1.24 (see documents.ts for the layout and why).
 *
 * append: the commit (`<stream>:<prev>`, exclusive by `_id`), handed to this process's sequencer in
 * memory; a pending marker before it when another process sequences.
 * sequencer (one per service, leased): moves committed batches, in commit order, into log segments
 * whose positions continue the previous segment exactly — so the log never has holes.
 * readAll: follows segments by `_id`; readStream: follows the stream's commit chain by `_id`.
 */
export class MongoEventStore implements EventStore {
  readonly commits: Collection<CommitDocument>;
  readonly pending: Collection<PendingDocument>;
  readonly commands: Collection<CommandRecord>;
  readonly log: LogSegments;
  readonly sequencer: Sequencer;
  private readonly upcasters: Upcasters;
  private readonly now: () => Date;
  /** Last version seen per stream: a real commit end, so a chain walk can start there. */
  private readonly heads = new Map<string, number>();
  private readonly logListeners = new Set<() => void>();

  constructor(
    readonly db: Db,
    readonly options: MongoEventStoreOptions,
  ) {
    this.commits = db.collection<CommitDocument>(COLLECTIONS.commits);
    this.pending = db.collection<PendingDocument>(COLLECTIONS.pending);
    this.commands = db.collection<CommandRecord>(COLLECTIONS.commands);
    this.log = new LogSegments(db);
    this.upcasters = options.upcasters ?? {};
    this.now = options.now ?? (() => new Date());
    this.sequencer = new Sequencer(db, this.commits, this.pending, this.log, {
      ...options.sequencer,
      serviceName: options.serviceName,
      now: this.now,
    });
    this.sequencer.onSequenced(() => this.logListeners.forEach((l) => l()));
  }

  /**
   * Indexes that help MongoDB on the rare paths (FerretDB scans regardless). The hot paths need none:
   * they are `_id` lookups.
   */
  async init(): Promise<void> {
    await this.commits.createIndex({ streamId: 1, last: 1 }, { name: 'stream_last' });
    await this.log.segments.createIndex({ first: 1, last: 1 }, { name: 'first_last' });
  }

  startSequencer(): void {
    this.sequencer.start();
  }

  async stopSequencer(): Promise<void> {
    await this.sequencer.stop();
  }

  /** Sequences until nothing is left, for tests and tools; returns how many events were placed. */
  async sequenceOnce(): Promise<number> {
    return this.sequencer.drain();
  }

  /** Called after new events reach the log (in this process), e.g. to wake a relay or projector. */
  onLogAdvanced(listener: () => void): () => void {
    this.logListeners.add(listener);
    return () => this.logListeners.delete(listener);
  }

  async append(streamId: string, expected: ExpectedVersion, events: readonly NewEvent[]): Promise<AppendResult> {
    if (!STREAM_ID.test(streamId))
      throw new ValidationError(`invalid stream id ${JSON.stringify(streamId)}`, [
        { field: 'streamId', message: 'letters, digits, ".", "_" and "-" only, up to 200' },
      ]);
    if (events.length === 0) throw new ValidationError('an append needs at least one event');
    for (const e of events)
      if (typeof e.type !== 'string' || e.type.length === 0)
        throw new ValidationError('event type is required', [{ field: 'type', message: 'required' }]);
    return tracer.startActiveSpan(
      'eventstore.append',
      { kind: SpanKind.INTERNAL, attributes: { 'yiwang.stream_id': streamId, 'yiwang.events': events.length } },
      async (span) => {
        try {
          const result = await this.appendWithExpectation(streamId, expected, events);
          instruments().appended.add(events.length, { service: this.options.serviceName });
          this.sequencer.wake();
          return result;
        } catch (e) {
          if (e instanceof ConcurrencyError) instruments().conflicts.add(1, { service: this.options.serviceName });
          span.recordException(e as Error);
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw e;
        } finally {
          span.end();
        }
      },
    );
  }

  private async appendWithExpectation(streamId: string, expected: ExpectedVersion, events: readonly NewEvent[]): Promise<AppendResult> {
    if (typeof expected === 'number') {
      if (!Number.isInteger(expected) || expected < 0)
        throw new ValidationError(`expected version must be a non-negative integer, got ${expected}`);
      // Only a version the stream really ends at may be extended (not a made-up one, not one inside a batch).
      // A cached head is such a version: then the commit's exclusive `_id` alone decides, and a
      // writer that got there first turns into the conflict below, so the look-ahead read is skipped.
      if (this.heads.get(streamId) === expected) return this.commitAt(streamId, expected, events, String(expected));
      const head = await this.streamHead(streamId);
      if (head !== expected) throw new ConcurrencyError(streamId, String(expected), head === 0 ? -1 : head);
      return this.commitAt(streamId, expected, events, String(expected));
    }
    if (expected === 'no_stream') return this.commitAt(streamId, 0, events, expected);
    // 'any' and 'stream_exists' carry no expectation a concurrent writer could break: retry a lost race.
    for (let attempt = 0; ; attempt++) {
      // First try at the cached head (a real commit end, and the stream exists): a lost race reads.
      const cached = attempt === 0 ? this.heads.get(streamId) : undefined;
      const head = cached ?? (await this.streamHead(streamId));
      if (head === 0 && expected === 'stream_exists') throw new ConcurrencyError(streamId, expected, -1);
      try {
        return await this.commitAt(streamId, head, events, expected);
      } catch (e) {
        if (!(e instanceof ConcurrencyError) || attempt >= 100) throw e;
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));
      }
    }
  }

  private async commitAt(streamId: string, prev: number, events: readonly NewEvent[], expected: string): Promise<AppendResult> {
    const stored = this.toStored(streamId, prev, events);
    const last = prev + stored.length;
    const id = commitId(streamId, prev);
    const now = this.now();
    const marker = { _id: id, streamId, prev, at: now };
    // Another process sequences: the marker goes first, so if this process dies after the commit
    // that sequencer still finds it. A marker whose commit never comes (crash, lost race) is
    // harmless; the sequencer expires it. While this process's sequencer surely holds its lease, no
    // marker: the commit is handed over in memory, and should this process die before placing it,
    // the next holder can take over only after the lease runs out — after this commit landed — and
    // its takeover sweep re-marks every commit that is in no segment.
    const handOver = this.sequencer.isSurelyHolding;
    if (!handOver) await this.mark(marker);
    const commandIds = [...new Set(stored.map((e) => e.commandId).filter((c): c is string => c !== null))];
    try {
      await this.commits.insertOne({ _id: id, streamId, prev, last, committedAt: now, events: stored, commandIds });
    } catch (e) {
      // The slot after `prev` is taken: someone appended first. A concurrency conflict with the
      // version the stream is at now — never a raw E11000.
      if (isDuplicateKeyError(e)) {
        const head = await this.streamHead(streamId);
        throw new ConcurrencyError(streamId, expected, head === 0 ? -1 : head);
      }
      throw e;
    }
    this.rememberHead(streamId, last);
    // Hand the commit to this process's sequencer if it writes the log; otherwise tell whoever does.
    if (this.sequencer.isSurelyHolding)
      this.sequencer.offer({ _id: id, streamId, prev, last, committedAt: now, events: stored, commandIds });
    else {
      // The lease ran short while the commit was under way: a takeover sweep may have run before
      // it landed, so it gets its marker now, like any commit of a process that does not sequence.
      if (handOver) await this.mark(marker);
      await this.ringDoorbell();
    }
    if (commandIds.length > 0) {
      // Best effort: lets a retry find its first result even after snapshots hide the events.
      await this.commands
        .insertMany(
          commandIds.map((c) => ({ _id: commandRecordId(streamId, c), commitId: id })),
          { ordered: false },
        )
        .catch(() => undefined);
    }
    this.sequencer.wake();
    return { streamId, nextExpectedVersion: last, events: stored.map((ev) => this.toRecorded(ev, null)) };
  }

  private async mark(marker: PendingDocument): Promise<void> {
    await this.pending.insertOne(marker).catch((e: unknown) => {
      if (!isDuplicateKeyError(e)) throw e;
    });
  }

  /** The commit is durable whatever happens here; a bell that never rang delays it until the next scan. */
  private async ringDoorbell(): Promise<void> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        return await this.sequencer.ringDoorbell();
      } catch {
        await new Promise((r) => setTimeout(r, 20 * attempt));
      }
    }
  }

  private toStored(streamId: string, prev: number, events: readonly NewEvent[]): StoredEvent[] {
    const recordedAt = this.now();
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
    return events.map((e, i) => {
      const id = uuidv7(recordedAt.getTime());
      const m = e.metadata ?? {};
      return {
        id,
        type: e.type,
        streamId,
        streamVersion: prev + i + 1,
        occurredAt: m.occurredAt ?? recordedAt,
        recordedAt,
        correlationId: m.correlationId ?? id,
        causationId: m.causationId ?? null,
        actor: m.actor ?? { subject: 'system' },
        traceparent: m.traceparent ?? carrier.traceparent ?? null,
        commandId: m.commandId ?? null,
        data: e.data,
      };
    });
  }

  private rememberHead(streamId: string, last: number): void {
    if (this.heads.size >= MAX_HEADS_CACHED) this.heads.clear();
    if ((this.heads.get(streamId) ?? 0) < last) this.heads.set(streamId, last);
  }

  /** Commits of a stream from the one following `from` (a commit end or 0), in order. */
  private async walk(streamId: string, from: number): Promise<CommitDocument[]> {
    const chain: CommitDocument[] = [];
    let at = from;
    for (;;) {
      const c = await this.commits.findOne({ _id: commitId(streamId, at) });
      if (!c) break;
      chain.push(c);
      at = c.last;
    }
    if (chain.length > 0) this.rememberHead(streamId, at);
    return chain;
  }

  /** The stream's current version (0 when it does not exist). */
  async streamHead(streamId: string): Promise<number> {
    const chain = await this.walk(streamId, this.heads.get(streamId) ?? 0);
    return chain.length > 0 ? chain[chain.length - 1]!.last : (this.heads.get(streamId) ?? 0);
  }

  /**
   * The stream's events in order. `fromVersion` right after a commit end (a snapshot's version + 1)
   * starts the walk there; any other starting point walks from the beginning.
   */
  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<{ version: number; events: RecordedEvent[] }> {
    const from = Math.max(1, options.fromVersion ?? 1);
    let chain = await this.walk(streamId, from - 1);
    let version = chain.length > 0 ? chain[chain.length - 1]!.last : from - 1;
    if (chain.length === 0 && from > 1 && !options.fromIsCommitBoundary && this.heads.get(streamId) !== from - 1) {
      // `from - 1` is not a commit end we know of (or the stream is shorter): walk from the start.
      chain = await this.walk(streamId, 0);
      version = chain.length > 0 ? chain[chain.length - 1]!.last : 0;
    }
    const to = Math.min(version, options.toVersion ?? version);
    const events: RecordedEvent[] = [];
    for (const c of chain) {
      c.events.forEach((e) => {
        if (e.streamVersion >= from && e.streamVersion <= to) events.push(this.toRecorded(e, null));
      });
    }
    return { version, events };
  }

  async findByCommandId(streamId: string, commandId: string): Promise<RecordedEvent[]> {
    const record = await this.commands.findOne({ _id: commandRecordId(streamId, commandId) });
    if (!record) return [];
    const c = await this.commits.findOne({ _id: record.commitId });
    if (!c || !c.commandIds.includes(commandId)) return [];
    return c.events.flatMap((e) => (e.commandId === commandId ? [this.toRecorded(e, null)] : []));
  }

  async readAll(options: ReadAllOptions): Promise<LoggedEvent[]> {
    const limit = options.limit ?? 1000;
    const prefix = options.streamPrefix;
    const types = options.types && options.types.length > 0 ? new Set(options.types) : null;
    const out: LoggedEvent[] = [];
    // A tailing reader at the end of a log this process writes: nothing to read, nothing to ask.
    const tail = this.sequencer.knownTail();
    if (tail !== null && options.after >= tail) return out;
    let position = options.after + 1;
    let segment = await this.log.containing(position);
    while (segment && out.length < limit) {
      for (let i = position - segment.first; i < segment.events.length && out.length < limit; i++) {
        const e = segment.events[i]!;
        position = segment.first + i + 1;
        if (types && !types.has(e.type)) continue;
        if (prefix && !e.streamId.startsWith(prefix)) continue;
        out.push(this.toLogged(e, segment.first + i));
      }
      if (position <= segment.last) break; // limit reached inside the segment
      if (tail !== null && segment.last >= tail) break; // the end of the log, known without asking
      segment = await this.log.byFirst(segment.last + 1);
    }
    return out;
  }

  async headPosition(): Promise<number> {
    return this.sequencer.knownTail() ?? this.log.headPosition();
  }

  /** The log's end while this process's sequencer writes it (no database read), else null. */
  logTail(): number | null {
    return this.sequencer.knownTail();
  }

  /**
   * Appended events not yet in the log: every commit that no segment holds (commits handed over in
   * memory have no marker). Two scans — for tests and tools, not for a loop.
   */
  async unsequencedCount(): Promise<number> {
    const inLog = new Set<string>();
    for await (const s of this.log.segments.find({}, { projection: { commitIds: 1 } })) for (const c of s.commitIds) inLog.add(c);
    let n = 0;
    for await (const c of this.commits.find({}, { projection: { _id: 1, prev: 1, last: 1 } })) if (!inLog.has(c._id)) n += c.last - c.prev;
    return n;
  }

  private toLogged(e: StoredEvent, position: number): LoggedEvent {
    return upcast({ ...e, position }, this.upcasters);
  }

  private toRecorded(e: StoredEvent, position: number | null): RecordedEvent {
    return upcast({ ...e, position }, this.upcasters);
  }
}
