import { fromKafkaMessage, KafkajsBroker, uuidv7, type IncomingBatch, type MessageBroker } from '@yiwang/kernel';
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
  (f.types.length === 0 || f.types.includes(e.type)) && (!f.streamPrefix || e.streamId.startsWith(f.streamPrefix)) && (!f.toTime || e.occurredAt < f.toTime);

/**
 * Replays a service's topic straight from Kafka: every partition from its start offset up to the
 * end it had when the replay began, decoded (CloudEvents + the service's protobuf codec) and
 * filtered. A consumer group of its own, nothing committed. Batches are handed over one at a
 * time: the consumer fetches on only when the writer has taken the last batch.
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
  // A hand-over slot: the consumer waits until the generator has taken the previous batch.
  type Slot = { chunk: ReplayChunk; taken: () => void };
  const state: { slot: Slot | null; finished: boolean; failure: unknown } = { slot: null, finished: false, failure: null };
  let wake: (() => void) | null = null;
  let done = 0;
  const signalWake = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };
  const handle = async (batch: IncomingBatch): Promise<void> => {
    const range = todo.get(batch.partition);
    if (!range) return;
    const events: ReplayedEvent[] = [];
    for (const m of batch.messages) {
      const offset = BigInt(m.offset);
      if (offset < range.next || offset >= range.end) continue;
      let event;
      try {
        event = fromKafkaMessage(m, codec);
      } catch (e) {
        throw new CliError(`topic ${options.topic} partition ${m.partition} offset ${m.offset}: ${(e as Error).message}`);
      }
      const redacted = options.service.redact(event);
      if (matches(redacted, options.filter)) events.push({ event: redacted, kafka: { topic: m.topic, partition: m.partition, offset: m.offset } });
      range.next = offset + 1n;
      done++;
    }
    offsets[String(batch.partition)] = range.next.toString();
    if (range.next >= range.end) todo.delete(batch.partition);
    // The kernel's batch consumer resolves no offsets (its owners commit explicitly): without a
    // seek the next fetch would hand over the same batch again.
    else seek(batch.partition, range.next.toString());
    const chunk: ReplayChunk = { events, checkpoint: { version: 1, source: 'kafka', topic: options.topic, offsets: { ...offsets } }, done, total };
    await new Promise<void>((taken) => {
      state.slot = { chunk, taken };
      signalWake();
    });
    if (todo.size === 0) {
      state.finished = true;
      signalWake();
    }
  };
  const starts = new Map([...todo].map(([p, r]) => [p, r.next.toString()]));
  const seek = (partition: number, offset: string): void => consumer.seek({ topic: options.topic, partition, offset });
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
      eachBatch: async (batch) => {
        try {
          await handle(batch);
        } catch (e) {
          state.failure = e;
          signalWake();
        }
      },
    });
    signal.addEventListener('abort', signalWake, { once: true });
    for (;;) {
      if (state.slot === null && !state.finished && state.failure === null && !signal.aborted) await new Promise<void>((r) => (wake = r));
      if (state.failure !== null) throw state.failure;
      if (signal.aborted) return;
      const taking = state.slot;
      if (taking) {
        state.slot = null;
        yield taking.chunk;
        taking.taken();
        continue;
      }
      if (state.finished) return;
    }
  } finally {
    signal.removeEventListener('abort', signalWake);
    state.slot?.taken();
    await consumer.disconnect().catch(() => undefined);
  }
}
