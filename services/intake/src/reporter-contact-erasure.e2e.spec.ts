import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { isSealed } from '@yiwang/kernel-mongodb';
import { connectMongo } from '@yiwang/platform';
import { testServers } from '@yiwang/testing';
import { ReportReceived } from '@yiwang/proto/yiwang/intake/v1/events';
import { cellCentre, shippedUnitGrid } from './domain';
import { startIntakeService, type RunningIntake } from './service';
import { http, quietLogger, subscribeWhenCreated, testConfig, tokenFor, until } from './intake.test-helpers';

// PIPL erasure by crypto-shredding: the reporter's contact is stored and published only sealed,
// and DELETE /v1/reports/:id/contact destroys its key (real FerretDB + Kafka).
const config = testConfig(__filename);
const spot = cellCentre([...shippedUnitGrid().cells.values()][7]!);
const PHONE = '13612345678';
const NAME = '王女士';

let intake: RunningIntake;
let mongo: Awaited<ReturnType<typeof connectMongo>>;
let kafkaConsumer: Consumer;
const seen: KafkaMessage[] = [];
const kafka = new Kafka({ brokers: testServers().kafkaBrokers, clientId: 'intake-erasure-e2e', logLevel: logLevel.NOTHING });

beforeAll(async () => {
  intake = await startIntakeService(config, { logger: quietLogger() });
  mongo = await connectMongo(config.mongodbUri, config.database);
  kafkaConsumer = kafka.consumer({ groupId: `${config.database}-reader` });
  await kafkaConsumer.connect();
  await subscribeWhenCreated(kafka, kafkaConsumer, config.eventsTopic);
  await kafkaConsumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
}, 60_000);

afterAll(async () => {
  await kafkaConsumer?.disconnect();
  await mongo?.close();
  await intake?.stop();
});

const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();
const kafkaEvent = (reportId: string, type: string) =>
  until(
    async () => seen.find((m) => header(m, 'ce_subject') === `report-${reportId}` && header(m, 'ce_type') === type),
    30_000,
    `${type} on Kafka`,
  );
const streamTypes = async (reportId: string) => (await intake.store.readStream(`report-${reportId}`)).events.map((e) => e.type);
const erase = (reportId: string, token?: string) =>
  http(intake.httpAddress, `/v1/reports/${reportId}/contact`, { method: 'DELETE', ...(token ? { token } : {}) });

async function report(): Promise<string> {
  const r = await http(intake.httpAddress, '/v1/reports', {
    body: { category: 'event.01.02', location: spot, description: '垃圾', reporter: { name: NAME, phone: PHONE } },
  });
  expect(r.status).toBe(201);
  return r.json<{ reportId: string }>().reportId;
}

it('the contact is sealed in es_commits, every other collection and Kafka; DELETE shreds it and records the erasure', async () => {
  const reportId = await report();

  // The raw commit document: ciphertext only.
  const commits = await intake.store.commits.find({ streamId: `report-${reportId}` }).toArray();
  expect(commits.length).toBeGreaterThan(0);
  const raw = JSON.stringify(commits);
  expect(raw).not.toContain(PHONE);
  expect(raw).not.toContain(NAME);
  const received = commits
    .flatMap((c) => c.events as unknown as { type: string; data: { reporter: { name: string; phone: string } } }[])
    .find((e) => e.type === 'intake.report.received.v1')!;
  expect(isSealed(received.data.reporter.phone)).toBe(true);
  expect(isSealed(received.data.reporter.name)).toBe(true);

  // Nor any read model or log document of the service.
  for (const { name } of await mongo.db.listCollections().toArray()) {
    const docs = JSON.stringify(await mongo.db.collection(name).find({}).toArray());
    expect({ name, leaks: docs.includes(PHONE) || docs.includes(NAME) }).toEqual({ name, leaks: false });
  }

  // The Kafka message: ciphertext, which the vault still opens.
  const message = await kafkaEvent(reportId, 'intake.report.received.v1');
  expect(message.value!.toString('latin1')).not.toContain(PHONE);
  const data = ReportReceived.decode(message.value!);
  expect(isSealed(data.reporter!.phone)).toBe(true);
  expect(await intake.vault.open(reportId, data.reporter!.phone)).toBe(PHONE);

  const supervisor = await tokenFor('chen.jie', ['centre.supervision']);
  const done = await erase(reportId, supervisor);
  expect(done.status).toBe(204);
  expect(await intake.vault.open(reportId, data.reporter!.phone)).toBeNull();
  expect(await intake.vault.open(reportId, received.data.reporter.name)).toBeNull();
  expect(await streamTypes(reportId)).toContain('intake.report.reporter_contact_erased.v1');
  await kafkaEvent(reportId, 'intake.report.reporter_contact_erased.v1');
  const view = await until(
    async () => {
      const v = await intake.application.get(reportId);
      return v.hasContact ? null : v;
    },
    10_000,
    'the read model',
  );
  expect(view.hasContact).toBe(false);

  // Idempotent: a repeat answers 204 and appends nothing.
  const version = (await intake.store.readStream(`report-${reportId}`)).version;
  expect((await erase(reportId, supervisor)).status).toBe(204);
  expect((await intake.store.readStream(`report-${reportId}`)).version).toBe(version);
});

it('other roles get 403, no token 401, an unknown report 404; nothing is erased or appended', async () => {
  const reportId = await report();
  const { version } = await intake.store.readStream(`report-${reportId}`);
  const commits = await intake.store.commits.countDocuments({});
  const sealed = (await intake.store.readStream(`report-${reportId}`)).events[0]!.data as { reporter: { phone: string } };

  const hotline = await tokenFor('agent.1', ['hotline.agent'], 'hotline');
  const forbidden = await erase(reportId, hotline);
  expect(forbidden.status).toBe(403);
  expect(forbidden.json()).toMatchObject({ code: 'FORBIDDEN' });
  expect((await erase(reportId)).status).toBe(401);

  const unknown = await erase('0192a0c0-0000-7000-8000-000000000000', await tokenFor('chen.jie', ['centre.supervision']));
  expect(unknown.status).toBe(404);

  expect((await intake.store.readStream(`report-${reportId}`)).version).toBe(version);
  expect(await intake.store.commits.countDocuments({})).toBe(commits);
  expect(await intake.vault.open(reportId, sealed.reporter.phone)).toBe(PHONE);
});

it('the erasure endpoint is documented in the OpenAPI, with its role and bearer auth', async () => {
  const doc = (await http(intake.httpAddress, '/openapi.json')).json<{
    paths: Record<string, Record<string, { summary: string; security: unknown[] }>>;
  }>();
  const op = doc.paths['/v1/reports/{id}/contact']?.['delete'];
  expect(op?.summary).toMatch(/centre\.supervision/);
  expect(op?.security).toEqual([{ bearerAuth: [] }]);
});
