// Helpers for this folder's int tests (not exported from the library).
import type { IncomingMessage, MessageBroker } from './ports';

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 45_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every message on the topic up to its current end, read by a throw-away group, in per-partition order. */
export async function readTopic(broker: MessageBroker, topic: string): Promise<IncomingMessage[]> {
  const admin = broker.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = ends.reduce((n, p) => n + Number(p.offset) - Number(p.low), 0);
  const seen: IncomingMessage[] = [];
  if (total === 0) return seen;
  const consumer = broker.consumer({ groupId: `reader-${topic}-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  await consumer.subscribe([topic], { fromBeginning: true });
  await consumer.run({ eachMessage: async (m) => void seen.push(m) });
  try {
    await until(() => seen.length >= total, 45_000, `${total} messages on ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  return seen.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}
