import type { Collection, Db, Filter } from 'mongodb';
import { context, propagation, trace, SpanKind, SpanStatusCode, metrics } from '@opentelemetry/api';
import type { LoggedEvent, NewEvent, RecordedEvent } from '../../events/envelope';
import type { AppendResult, EventStore, ExpectedVersion, ReadAllOptions, ReadStreamOptions } from '../event-store';
import { ConcurrencyError, ValidationError } from '../../errors/domain-errors';
import { uuidv7 } from '../../ids/uuid-v7';
import { upcast, type Upcasters } from '../upcasting';
import { COLLECTIONS, commitId, type CommitDocument, type LogDocument, type StoredEvent } from './documents';
import { isDuplicateKeyError } from './mongo-errors';
import { Sequencer, type SequencerOptions } from './sequencer';

export interface MongoEventStoreOptions {
  /** Service name, used in spans, metrics and the sequencer's lease. */
  readonly serviceName: string;
  readonly upcasters?: Upcasters;
  readonly now?: () => Date;
  readonly sequencer?: Omit<SequencerOptions, 'serviceName' | 'now'>;
}

const tracer = trace.getTracer('@yiwang/kernel');
const meter = metrics.getMeter('@yiwang/kernel');
const appendedCounter = meter.createCounter('yiwang.events.appended', { description: 'events appended to the event store' });
const conflictCounter = meter.createCounter('yiwang.events.append_conflicts', { description: 'appends refused for a stale expected version' });

const STREAM_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

/**
 * The event store on MongoDB (7.x, single node or replica set) and FerretDB 1.24.
 *
 * An append inserts one immutable commit document whose `_id` names the version it follows (a
 * unique-key claim: exclusive on both servers). A single leased sequencer then copies committed
 * events, in commit order, into the log collection whose `_id` is the position. Because the sequencer only ever inserts position max+1, the log has no holes:
 * "everything after P" never skips an event that shows up later. See docs/event-store.md.
 */
export class MongoEventStore implements EventStore {
  readonly commits: Collection<CommitDocument>;
  readonly log: Collection<LogDocument>;
  readonly sequencer: Sequencer;
  private readonly upcasters: Upcasters;
  private readonly now: () => Date;
  private readonly appendListeners = new Set<() => void>();

  constructor(
    readonly db: Db,
    readonly options: MongoEventStoreOptions,
  ) {
    this.commits = db.collection<CommitDocument>(COLLECTIONS.commits);
    this.log = db.collection<LogDocument>(COLLECTIONS.log);
    this.upcasters = options.upcasters ?? {};
    this.now = options.now ?? (() => new Date());
    this.sequencer = new Sequencer(db, this.commits, this.log, { ...options.sequencer, serviceName: options.serviceName, now: this.now });
    this.sequencer.onSequenced(() => this.appendListeners.forEach((l) => l()));
  }

  /** Creates the indexes the store relies on; idempotent. */
  async init(): Promise<void> {
    await this.log.createIndex({ streamId: 1, streamVersion: 1 }, { unique: true, name: 'stream_version_unique' });
    await this.log.createIndex({ streamId: 1, commandId: 1 }, { name: 'stream_command' });
    await this.log.createIndex({ type: 1, _id: 1 }, { name: 'type_position' });
    await this.commits.createIndex({ streamId: 1, last: 1 }, { unique: true, name: 'stream_last_unique' });
    await this.commits.createIndex({ streamId: 1, commandIds: 1 }, { name: 'stream_commands' });
    await this.commits.createIndex({ sequenced: 1, committedAt: 1 }, { name: 'unsequenced' });
  }

  /** Runs the sequencer in the background (it takes the lease; other replicas stand by). */
  startSequencer(): void {
    this.sequencer.start();
  }

  async stopSequencer(): Promise<void> {
    await this.sequencer.stop();
  }

  /** One sequencing pass, for tests and tools: moves every appended event into the log. */
  async sequenceOnce(): Promise<number> {
    return this.sequencer.drain();
  }

  /** Called after new events reach the log (in this process), e.g. to wake a relay or projector. */
  onLogAdvanced(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  async append(streamId: string, expected: ExpectedVersion, events: readonly NewEvent[]): Promise<AppendResult> {
    if (!STREAM_ID.test(streamId)) throw new ValidationError(`invalid stream id ${JSON.stringify(streamId)}`, [{ field: 'streamId', message: 'letters, digits and . _ : - only, up to 200' }]);
    if (events.length === 0) throw new ValidationError('an append needs at least one event');
    return tracer.startActiveSpan('eventstore.append', { kind: SpanKind.INTERNAL, attributes: { 'yiwang.stream_id': streamId, 'yiwang.events': events.length } }, async (span) => {
      try {
        const result = await this.appendWithExpectation(streamId, expected, events);
        appendedCounter.add(events.length, { service: this.options.serviceName });
        this.sequencer.wake();
        return result;
      } catch (e) {
        if (e instanceof ConcurrencyError) conflictCounter.add(1, { service: this.options.serviceName });
        span.recordException(e as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw e;
      } finally {
        span.end();
      }
    });
  }

  private async appendWithExpectation(streamId: string, expected: ExpectedVersion, events: readonly NewEvent[]): Promise<AppendResult> {
    if (typeof expected === 'number') {
      if (!Number.isInteger(expected) || expected < 0) throw new ValidationError(`expected version must be a non-negative integer, got ${expected}`);
      if (expected > 0 && !(await this.commits.findOne({ streamId, last: expected }, { projection: { _id: 1 } }))) {
        // Not a version the stream has ever ended at (stale, made up, or inside a batch).
        throw new ConcurrencyError(streamId, String(expected), await this.currentVersionOrMissing(streamId));
      }
      return this.commitAt(streamId, expected, events, String(expected));
    }
    if (expected === 'no_stream') return this.commitAt(streamId, 0, events, expected);
    // 'any' and 'stream_exists' read the head and append there, retrying on a lost race:
    // they carry no expectation a concurrent writer could invalidate.
    for (let attempt = 0; ; attempt++) {
      const head = await this.currentVersion(streamId);
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
    const commandIds = [...new Set(stored.map((e) => e.commandId).filter((c): c is string => c !== null))];
    try {
      await this.commits.insertOne({ _id: commitId(streamId, prev), streamId, prev, last, committedAt: this.now(), events: stored, commandIds, sequenced: false });
    } catch (e) {
      // The slot after `prev` is taken: someone appended first. That is a concurrency conflict,
      // reported with the version the stream is at now — never a raw E11000.
      if (isDuplicateKeyError(e)) throw new ConcurrencyError(streamId, expected, await this.currentVersionOrMissing(streamId));
      throw e;
    }
    return { streamId, nextExpectedVersion: last, events: stored.map((ev) => this.toRecorded(ev, null)) };
  }

  private toStored(streamId: string, fromVersion: number, events: readonly NewEvent[]): StoredEvent[] {
    const recordedAt = this.now();
    const carrier: Record<string, string> = {};
    propagation.inject(context.active(), carrier);
    return events.map((e, i) => {
      if (typeof e.type !== 'string' || e.type.length === 0) throw new ValidationError('event type is required');
      const id = uuidv7(recordedAt.getTime());
      const m = e.metadata ?? {};
      return {
        id,
        type: e.type,
        streamId,
        streamVersion: fromVersion + i + 1,
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

  private async currentVersion(streamId: string): Promise<number> {
    const head = await this.commits.find({ streamId }, { projection: { last: 1 } }).sort({ last: -1 }).limit(1).next();
    return head?.last ?? 0;
  }

  private async currentVersionOrMissing(streamId: string): Promise<number> {
    const v = await this.currentVersion(streamId);
    return v === 0 ? -1 : v;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<{ version: number; events: RecordedEvent[] }> {
    const from = Math.max(1, options.fromVersion ?? 1);
    const commits = await this.commits.find({ streamId, last: { $gte: from } }).sort({ last: 1 }).toArray();
    const version = commits.length > 0 ? commits[commits.length - 1]!.last : await this.currentVersion(streamId);
    const to = Math.min(version, options.toVersion ?? version);
    const events: RecordedEvent[] = [];
    let expect = from;
    for (const c of commits) {
      c.events.forEach((e, i) => {
        if (e.streamVersion < from || e.streamVersion > to) return;
        if (e.streamVersion !== expect) throw new Error(`event store corrupt: stream ${streamId} has version ${e.streamVersion} where ${expect} was due`);
        events.push(this.toRecorded(e, c.positions?.[i] ?? null));
        expect++;
      });
    }
    return { version, events };
  }

  async findByCommandId(streamId: string, commandId: string): Promise<RecordedEvent[]> {
    const commits = await this.commits.find({ streamId, commandIds: commandId }).sort({ last: 1 }).toArray();
    return commits.flatMap((c) => c.events.map((e, i) => ({ e, p: c.positions?.[i] ?? null }))).filter(({ e }) => e.commandId === commandId).map(({ e, p }) => this.toRecorded(e, p));
  }

  async readAll(options: ReadAllOptions): Promise<LoggedEvent[]> {
    const filter: Filter<LogDocument> = { _id: { $gt: options.after } };
    if (options.types && options.types.length > 0) filter.type = { $in: [...options.types] };
    if (options.streamPrefix) filter.streamId = { $regex: `^${options.streamPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` };
    const docs = await this.log.find(filter).sort({ _id: 1 }).limit(options.limit ?? 1000).toArray();
    return docs.map((d) => this.fromLog(d));
  }

  async headPosition(): Promise<number> {
    const last = await this.log.find({}, { projection: { _id: 1 } }).sort({ _id: -1 }).limit(1).next();
    return last?._id ?? 0;
  }

  /** Number of appended events the sequencer has not yet placed in the log. */
  async unsequencedCount(): Promise<number> {
    const waiting = await this.commits.find({ sequenced: false }, { projection: { prev: 1, last: 1 } }).toArray();
    return waiting.reduce((n, c) => n + (c.last - c.prev), 0);
  }

  private fromLog(doc: LogDocument): LoggedEvent {
    const { _id, ...rest } = doc;
    return upcast({ ...rest, position: _id }, this.upcasters);
  }

  private toRecorded(e: StoredEvent, position: number | null): RecordedEvent {
    return upcast({ ...e, position }, this.upcasters);
  }
}
