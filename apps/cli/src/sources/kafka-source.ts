import { uuidv7 } from '@yiwang/kernel-core';
import {
  fromKafkaMessage,
  KafkajsBroker,
  type HandlerControl,
  type IncomingBatch,
  type IncomingMessage,
  type MessageBroker,
} from '@yiwang/kernel-kafka';
import { CliError } from '../cli-error';
import { type ServiceInfo } from '../services';
import { type ReplayChunk, type ReplayedEvent, type ReplayFilter } from './source';

export type KafkaStart = Readonly<{ fromTime: Date } | { offsets: Readonly<Record<string, string>> } | Record<string, never>>;

export interface KafkaSourceOptions {
  readonly brokers: readonly string[];
  readonly topic: string;
  readonly service: ServiceInfo;
  readonly start: KafkaStart;
  readonly filter: ReplayFilter;
  readonly broker?: MessageBroker;
}

type Range = { next: bigint; end: bigint };

/** Per partition, from where to where: start (beginning, a time, or a resume) up to the end at the start of the replay. */
async function ranges(broker: MessageBroker, options: KafkaSourceOptions): Promise<Map<number, Range>> {
  const admin = broker.admin();
  await admin.connect();
  try {
    let highs: Awaited<ReturnType<typeof admin.fetchTopicOffsets>>;
    try {
      await admin.describeTopic(options.topic);
      highs = await admin.fetchTopicOffsets(options.topic);
    } catch (e) {
      throw new CliError(`cannot read topic "${options.topic}" on ${options.brokers.join(',')}: ${(e as Error).message.split('\n')[0]}`);
    }
    const starts = new Map<number, bigint>(highs.map((h) => [h.partition, BigInt(h.low)]));
    if ('fromTime' in options.start) {
      // Kafka's own index: the first offset whose timestamp is ≥ the time (the end when none is).
      for (const o of await admin.fetchTopicOffsetsByTimestamp(options.topic, options.start.fromTime.getTime())) {
        const high = highs.find((h) => h.partition === o.partition)!;
        starts.set(o.partition, BigInt(o.offset) < 0n ? BigInt(high.offset) : BigInt(o.offset));
      }
    } else if ('offsets' in options.start) {
      for (const [p, offset] of Object.entries(options.start.offsets)) starts.set(Number(p), BigInt(offset));
    }
    const out = new Map<number, Range>();
    for (const h of highs) {
      const next = starts.get(h.partition)!;
      if (next < BigInt(h.offset)) out.set(h.partition, { next, end: BigInt(h.offset) });
    }
    return out;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

const matches = (e: ReplayedEvent['event'], f: ReplayFilter): boolean =>
  (f.types.length === 0 || f.types.includes(e.type)) &&
  (!f.streamPrefix || e.streamId.startsWith(f.streamPrefix)) &&
  (!f.toTime || e.occurredAt < f.toTime);

/** Events buffered before the consumer waits for the writer (backpressure; one batch may overshoot it). */
const HIGH_WATER = 2000;

/**
 * Replays a service's topic straight from Kafka: every partition from its start offset up to the
 * end it had when the replay began, decoded (CloudEvents + the service's protobuf codec) and
 * filtered. A consumer group of its own, nothing committed. Messages go into a buffer the
 * generator empties a chunk at a time; when the buffer holds HIGH_WATER events the consumer waits,
 * so a slow writer holds the fetching back and memory stays bounded.
 */
export async function* kafkaSource(options: KafkaSourceOptions, signal: AbortSignal): AsyncGenerator<ReplayChunk, void, undefined> {
  const broker = options.broker ?? new KafkajsBroker({ brokers: options.brokers, clientId: 'yiwang-cli', logLevel: 'nothing' });
  const todo = await ranges(broker, options);
  const offsets: Record<string, string> = {};
  for (const [p, r] of todo) offsets[String(p)] = r.next.toString();
  const total = [...todo.values()].reduce((n, r) => n + Number(r.end - r.next), 0);
  if (todo.size === 0) return;
  const codec = options.service.codec();
  const consumer = broker.consumer({ groupId: `yiwang-cli-replay-${uuidv7()}` });
  const state: { buffer: ReplayedEvent[]; done: number; finished: boolean; failure: unknown } = {
    buffer: [],
    done: 0,
    finished: false,
    failure: null,
  };
  let wakeReader: (() => void) | null = null;
  let wakeConsumer: (() => void) | null = null;
  const wake = (which: 'reader' | 'consumer'): void => {
    const w = which === 'reader' ? wakeReader : wakeConsumer;
    if (which === 'reader') wakeReader = null;
    else wakeConsumer = null;
    w?.();
  };
  /** One message into the buffer, unless it is outside the range (before the start, after the end). */
  const take = (m: IncomingMessage): void => {
    const range = todo.get(m.partition);
    if (!range) return;
    const offset = BigInt(m.offset);
    if (offset < range.next || offset >= range.end) return;
    let event;
    try {
      event = fromKafkaMessage(m, codec);
    } catch (e) {
      throw new CliError(`topic ${options.topic} partition ${m.partition} offset ${m.offset}: ${(e as Error).message}`);
    }
    const redacted = options.service.redact(event);
    if (matches(redacted, options.filter))
      state.buffer.push({ event: redacted, kafka: { topic: m.topic, partition: m.partition, offset: m.offset } });
    range.next = offset + 1n;
    offsets[String(m.partition)] = range.next.toString();
    state.done++;
    if (range.next >= range.end) todo.delete(m.partition);
    if (todo.size === 0) state.finished = true;
  };
  const handle = async (batch: IncomingBatch, control: HandlerControl): Promise<void> => {
    for (const m of batch.messages) take(m);
    const last = batch.messages.at(-1);
    // Done with the batch: the next fetch starts after it (no commit — a replay commits nothing).
    if (last) {
      if (control.resolveOffset) control.resolveOffset(last.offset);
      else if (todo.has(batch.partition))
        consumer.seek({ topic: options.topic, partition: batch.partition, offset: offsets[String(batch.partition)]! });
    }
    if (state.buffer.length >= HIGH_WATER || state.finished) wake('reader');
    while (state.buffer.length >= HIGH_WATER && !signal.aborted) await new Promise<void>((r) => (wakeConsumer = r));
  };
  const starts = new Map([...todo].map(([p, r]) => [p, r.next.toString()]));
  try {
    await consumer.connect();
    consumer.onAssignment((assignment) => {
      for (const p of assignment[options.topic] ?? []) {
        const at = starts.get(p);
        if (at !== undefined) consumer.seek({ topic: options.topic, partition: p, offset: at });
      }
    });
    await consumer.subscribe([options.topic], { fromBeginning: true });
    await consumer.run({
      eachBatch: async (batch, control) => {
        try {
          await handle(batch, control);
        } catch (e) {
          state.failure = e;
          wake('reader');
        }
      },
    });
    const onAbort = (): void => {
      wake('reader');
      wake('consumer');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (;;) {
        // Between messages the buffer fills; take what is there at least every 50 ms.
        if (state.buffer.length === 0 && !state.finished && state.failure === null && !signal.aborted) {
          await new Promise<void>((r) => {
            wakeReader = r;
            setTimeout(() => wake('reader'), 50);
          });
        }
        if (state.failure !== null) throw state.failure;
        if (signal.aborted) return;
        if (state.buffer.length > 0) {
          const events = state.buffer;
          state.buffer = [];
          const checkpoint = { version: 1 as const, source: 'kafka' as const, topic: options.topic, offsets: { ...offsets } };
          wake('consumer');
          yield { events, checkpoint, done: state.done, total };
          continue;
        }
        if (state.finished) return;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  } finally {
    state.finished = true;
    wake('consumer');
    await consumer.disconnect().catch(() => undefined);
  }
}
