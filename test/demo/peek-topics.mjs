#!/usr/bin/env node
// Prints the events on Yiwang topics as CloudEvents headers (type, subject, time) — what the demo's
// "where to look" suggests. The data is protobuf (see proto/yiwang/*/v1/*events.proto); its size is shown.
//   node test/demo/peek-topics.mjs 127.0.0.1:19092 yiwang.intake.events.v1 yiwang.dispatch.events.v1
// Reads from the beginning and keeps following; Ctrl-C stops.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Kafka, logLevel } = require('kafkajs');
const [brokers, ...topics] = process.argv.slice(2);
if (!brokers || topics.length === 0) {
  console.error('usage: node test/demo/peek-topics.mjs <brokers> <topic> [topic …]');
  process.exit(2);
}
const consumer = new Kafka({ clientId: 'yiwang-peek', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).consumer({
  groupId: `yiwang-peek-${Date.now()}`,
});
const h = (m, k) => m.headers?.[k]?.toString() ?? '';
await consumer.connect();
await consumer.subscribe({ topics, fromBeginning: true });
await consumer.run({
  eachMessage: async ({ topic, partition, message: m }) => {
    console.log(
      `${h(m, 'ce_time')}  ${topic}[${partition}]@${m.offset}  ${h(m, 'ce_type').padEnd(44)} key=${m.key?.toString() ?? ''}  ${m.value?.length ?? 0} B`,
    );
  },
});
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => consumer.disconnect().finally(() => process.exit(0)));
