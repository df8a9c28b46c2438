// The demo runs on the documented names (databases yiwang_<service>, topics yiwang.<service>.events.v1),
// so a subscriber that follows the README finds it. A seeded demo day starts from empty storage: the
// previous day's databases, topics and consumer groups are removed first, never anything else.
import { log } from './process.mjs';

/** What one demo run owns, by the services' documented defaults. */
export const DEMO_NAMES = {
  databases: [
    'yiwang_intake',
    'yiwang_dispatch',
    'yiwang_integration',
    'opscenter_simulator',
    'yiwang_enforcement',
    'yiwang_parking',
    'yiwang_heating',
    'yiwang_sanitation',
  ],
  topics: ['intake', 'dispatch', 'enforcement', 'parking', 'heating', 'sanitation'].flatMap((s) => [
    `yiwang.${s}.events.v1`,
    `yiwang.${s}.events.v1.dlq`,
  ]),
  groups: [
    'yiwang.intake.dispatch-events',
    'yiwang.dispatch.filed-report-router',
    'yiwang.integration.case-events',
    'yiwang.enforcement.dispatch-handover',
    'yiwang.parking.dispatch-link',
    'yiwang.sanitation',
    'yiwang.heating.intake-reports',
    'yiwang.integration.case-events.heating',
  ],
};

/** Drops the demo's databases, topics and consumer groups (the services must not be running). */
export async function freshDemoData({ kafkaBrokers, mongoUri, names = DEMO_NAMES, timeoutMs = 60_000 }) {
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(mongoUri, { serverSelectionTimeoutMS: 10_000 });
  let dropped = 0;
  try {
    await client.connect();
    // One database at a time: listing every database is slow on FerretDB once tests have made hundreds.
    for (const name of names.databases) {
      const db = client.db(name);
      if ((await db.listCollections({}, { nameOnly: true }).toArray()).length === 0) continue;
      await db.dropDatabase();
      dropped++;
    }
  } finally {
    await client.close();
  }

  const { Kafka, logLevel } = await import('kafkajs');
  const admin = new Kafka({ brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING, clientId: 'yiwang-demo-reset' }).admin();
  await admin.connect();
  try {
    const groups = new Set((await admin.listGroups()).groups.map((g) => g.groupId));
    const ours = names.groups.filter((g) => groups.has(g));
    if (ours.length > 0) await admin.deleteGroups(ours);
    const present = (await admin.listTopics()).filter((t) => names.topics.includes(t));
    if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: timeoutMs });
    // Deletion is asynchronous in the broker: a service creating the topic meanwhile would fail.
    const end = Date.now() + timeoutMs;
    while ((await admin.listTopics()).some((t) => present.includes(t))) {
      if (Date.now() > end) throw new Error(`Kafka still lists ${present.join(', ')} ${timeoutMs} ms after deleting them`);
      await new Promise((r) => setTimeout(r, 250));
    }
    log(`a fresh demo: ${dropped} database(s), ${present.length} topic(s) and ${ours.length} consumer group(s) of the last run removed`);
  } finally {
    await admin.disconnect();
  }
}
