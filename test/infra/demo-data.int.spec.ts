// npm start plays its day on the documented names and clears the last day's data first: exactly
// the names it owns, nothing beside them (the tests' databases and topics share the servers).
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { testServers, uniqueName } from '@yiwang/testing';

const DEMO_DATA = join(resolve(__dirname, '..', '..'), 'infra/local/demo-data.mjs');
const { kafkaBrokers, mongoUri } = testServers();
const kafka = new Kafka({ brokers: kafkaBrokers, logLevel: logLevel.NOTHING });

const owned = uniqueName('demo-owned');
const bystander = uniqueName('demo-bystander');
const names = { databases: [owned], topics: [`${owned}.events`, `${owned}.events.dlq`], groups: [`${owned}.group`] };

it('removes the demo databases, topics and consumer group, and leaves everything else alone', async () => {
  const client = await new MongoClient(mongoUri).connect();
  const admin = kafka.admin();
  await admin.connect();
  try {
    await client
      .db(owned)
      .collection('events')
      .insertOne({ _id: 'e1' } as never);
    await client
      .db(bystander)
      .collection('events')
      .insertOne({ _id: 'e1' } as never);
    await admin.createTopics({ topics: [...names.topics, `${bystander}.events`].map((topic) => ({ topic, numPartitions: 1 })) });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: `${owned}.events`, messages: [{ value: 'yesterday' }] });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: `${owned}.group` });
    await consumer.connect();
    await consumer.subscribe({ topic: `${owned}.events`, fromBeginning: true });
    let seen = false;
    await consumer.run({ eachMessage: async () => void (seen = true) });
    while (!seen) await new Promise((r) => setTimeout(r, 100));
    await consumer.disconnect();

    const script = `const m = await import(${JSON.stringify(DEMO_DATA)});
      await m.freshDemoData({ kafkaBrokers: ${JSON.stringify(kafkaBrokers.join(','))}, mongoUri: ${JSON.stringify(mongoUri)}, names: ${JSON.stringify(names)} });`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 90_000 });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('1 database(s), 2 topic(s) and 1 consumer group(s) of the last run removed');

    const collections = async (db: string) => (await client.db(db).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(await collections(bystander)).toEqual(['events']);
    expect(await collections(owned)).toEqual([]);
    const topics = await admin.listTopics();
    expect(topics).toContain(`${bystander}.events`);
    expect(topics.filter((t) => names.topics.includes(t))).toEqual([]);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain(`${owned}.group`);
  } finally {
    await admin.disconnect();
    await client.close();
  }
});
