import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { isSealed } from '@yiwang/kernel-mongodb';
import { testServers } from '@yiwang/testing';
import { ReportReceived } from '@yiwang/proto/yiwang/intake/v1/events';
import { ReportStatus, type IntakeServiceClient } from '@yiwang/proto/yiwang/intake/v1/intake_service';
import { cellCentre, shippedUnitGrid } from './domain';
import { fromWgs84 } from './application/coordinate-systems';
import { startIntakeService, type RunningIntake } from './service';
import { grpcClient, http, quietLogger, rpc, subscribeWhenCreated, testConfig, tokenFor, until } from './intake.test-helpers';

// One running intake (real FerretDB + Kafka), driven through HTTP, Open311, gRPC and Kafka.
const config = testConfig(__filename);
const grid = shippedUnitGrid();
const cells = [...grid.cells.values()];
const spot = (i: number) => cellCentre(cells[i]!);
const north = (p: { lat: number; lon: number }, m: number) => ({ lat: p.lat + m / 111_195, lon: p.lon });

let intake: RunningIntake;
let inspector: IntakeServiceClient;
let centre: IntakeServiceClient;
let opscenter: IntakeServiceClient;
let kafkaConsumer: Consumer;
const seen: KafkaMessage[] = [];
const kafka = new Kafka({ brokers: testServers().kafkaBrokers, clientId: 'intake-e2e', logLevel: logLevel.NOTHING });

beforeAll(async () => {
  intake = await startIntakeService(config, { logger: quietLogger() });
  inspector = grpcClient(intake.grpcAddress, await tokenFor('li.inspector', ['inspector'], 'centre.supervision'));
  centre = grpcClient(intake.grpcAddress, await tokenFor('chen.jie', ['centre.supervision']));
  opscenter = grpcClient(intake.grpcAddress, await tokenFor('opscenter-sync', ['opscenter'], 'system.opscenter'));
  kafkaConsumer = kafka.consumer({ groupId: `${config.database}-reader` });
  await kafkaConsumer.connect();
  await subscribeWhenCreated(kafka, kafkaConsumer, config.eventsTopic);
  await kafkaConsumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
}, 60_000);

afterAll(async () => {
  await kafkaConsumer?.disconnect();
  for (const c of [inspector, centre, opscenter]) c?.close();
  await intake?.stop();
});

const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();

it('Open311: a form-encoded POST is stored, published as a CloudEvent, and visible by GET', async () => {
  const p = spot(0);
  const form = new URLSearchParams({
    service_code: 'event.01.02',
    lat: String(p.lat),
    long: String(p.lon),
    description: '路边垃圾堆积',
    first_name: '先生',
    last_name: '张',
    phone: '13800000000',
  });
  const posted = await http(intake.httpAddress, '/open311/v2/requests.json', {
    raw: form.toString(),
    contentType: 'application/x-www-form-urlencoded',
  });
  expect(posted.status).toBe(200);
  const [created] = posted.json<{ service_request_id: string; token: string }[]>();
  expect(created!.service_request_id).toBeTruthy();

  const one = await http(intake.httpAddress, `/open311/v2/requests/${created!.service_request_id}.json`);
  expect(one.status).toBe(200);
  expect(one.json<unknown[]>()[0]).toMatchObject({
    service_request_id: created!.service_request_id,
    status: 'open',
    service_code: 'event.01.02',
    address_id: cells[0]!.id,
  });

  const message = await until(
    async () =>
      seen.find(
        (m) => header(m, 'ce_subject') === `report-${created!.service_request_id}` && header(m, 'ce_type') === 'intake.report.received.v1',
      ),
    30_000,
    'the CloudEvent',
  );
  expect(header(message, 'ce_specversion')).toBe('1.0');
  expect(header(message, 'ce_source')).toBe('/yiwang/intake');
  expect(header(message, 'content-type')).toBe('application/protobuf; messageType=yiwang.intake.v1.ReportReceived');
  const data = ReportReceived.decode(message.value!);
  expect(data).toMatchObject({ reportId: created!.service_request_id, channel: 'citizen' });
  // PIPL: the contact travels sealed; only the vault opens it.
  expect(isSealed(data.reporter?.phone)).toBe(true);
  expect(await intake.vault.open(created!.service_request_id, data.reporter!.name)).toBe('张先生');
  expect(await intake.vault.open(created!.service_request_id, data.reporter!.phone)).toBe('13800000000');

  // The list endpoint (fed by the day index, which the projector fills shortly after).
  const listed = await until(
    async () => {
      const r = await http(intake.httpAddress, '/open311/v2/requests.json?service_code=event.01.02');
      return r.json<{ service_request_id: string }[]>().some((x) => x.service_request_id === created!.service_request_id) ? r : null;
    },
    15_000,
    'the listing',
  );
  expect(listed.status).toBe(200);
  // The citizen follows it by token too.
  const byToken = await http(intake.httpAddress, `/v1/reports/${created!.token}`);
  expect(byToken.json()).toMatchObject({ reportId: created!.service_request_id, status: 'awaiting_filing' });
});

it('Open311 JSON POST and the service list', async () => {
  const services = await http(intake.httpAddress, '/open311/v2/services.json');
  expect(services.json<{ service_code: string }[]>().map((s) => s.service_code)).toContain('component.01.01');
  const def = await http(intake.httpAddress, '/open311/v2/services/component.01.01.json');
  // The one attribute every service has: the datum of lat/long (GeoReport v2 says nothing of it).
  expect(def.json()).toMatchObject({
    service_code: 'component.01.01',
    attributes: [
      { code: 'crs', datatype: 'singlevaluelist', required: false, values: [{ key: 'wgs84' }, { key: 'gcj02' }, { key: 'bd09' }] },
    ],
  });
  const p = spot(3);
  const posted = await http(intake.httpAddress, '/open311/v2/requests.json', {
    body: { service_code: 'component.01.01', lat: p.lat, long: p.lon, description: '井盖缺失', api_key: 'hotline-key' },
  });
  expect(posted.status).toBe(200);
  const id = posted.json<{ service_request_id: string }[]>()[0]!.service_request_id;
  const got = await rpc(centre, centre.getReport, { reportId: id });
  expect(got.report?.status).toBe(ReportStatus.REPORT_STATUS_AWAITING_FILING);
});

it('an inspector’s report is filed at once; a citizen’s waits for the centre, which files it', async () => {
  const p = spot(10);
  const filed = await rpc(inspector, inspector.submitReport, {
    categoryCode: 'event.01.04',
    location: { latitude: p.lat, longitude: p.lon },
    crs: 0,
    description: '道路不洁',
    photoRefs: [],
    requestId: '',
  });
  expect(filed.report).toMatchObject({ status: ReportStatus.REPORT_STATUS_FILED, cell: { cellId: cells[10]!.id } });

  const citizen = await http(intake.httpAddress, '/v1/reports', {
    body: { category: 'event.01.02', location: spot(20), description: '垃圾', reporter: { phone: '13900000000' } },
  });
  expect(citizen.status).toBe(201);
  const { reportId, token } = citizen.json<{ reportId: string; token: string }>();
  expect((await http(intake.httpAddress, `/v1/reports/${token}`)).json()).toMatchObject({ status: 'awaiting_filing' });
  await expect(rpc(inspector, inspector.fileReport, { reportId, cellId: '', note: '' })).rejects.toMatchObject({ code: 7 });
  const done = await rpc(centre, centre.fileReport, { reportId, cellId: '', note: '属实' });
  expect(done.report?.status).toBe(ReportStatus.REPORT_STATUS_FILED);
  expect((await http(intake.httpAddress, `/v1/reports/${token}`)).json()).toMatchObject({ status: 'filed' });
  const rejected = await http(intake.httpAddress, '/v1/reports', {
    body: { category: 'event.01.02', location: spot(30), description: '不是问题' },
  });
  const r = await rpc(centre, centre.rejectReport, { reportId: rejected.json<{ reportId: string }>().reportId, reason: 1, note: '' });
  expect(r.report?.status).toBe(ReportStatus.REPORT_STATUS_REJECTED);
});

it('GCJ-02 input is converted to WGS84 before the cell is found', async () => {
  const p = spot(40);
  const g = fromWgs84(p, 'gcj02');
  const r = await rpc(inspector, inspector.submitReport, {
    categoryCode: 'event.01.03',
    location: { latitude: g.lat, longitude: g.lon },
    crs: 2,
    description: '积存垃圾',
    photoRefs: [],
    requestId: '',
  });
  expect(r.report?.cell?.cellId).toBe(cells[40]!.id);
  expect(r.report?.location?.latitude).toBeCloseTo(p.lat, 6);
});

it('BD-09 input (Baidu maps) is converted too: over gRPC, and over Open311 as attribute[crs]', async () => {
  const p = spot(41);
  const bd = fromWgs84(p, 'bd09');
  const r = await rpc(inspector, inspector.submitReport, {
    categoryCode: 'event.01.03',
    location: { latitude: bd.lat, longitude: bd.lon },
    crs: 3,
    description: '积存垃圾',
    photoRefs: [],
    requestId: '',
  });
  expect(r.report?.cell?.cellId).toBe(cells[41]!.id);

  const q = spot(42);
  const shown = fromWgs84(q, 'bd09');
  const form = new URLSearchParams({
    service_code: 'event.01.04',
    lat: String(shown.lat),
    long: String(shown.lon),
    'attribute[crs]': 'bd09',
  });
  form.set('description', '道路不洁');
  const posted = await http(intake.httpAddress, '/open311/v2/requests.json', {
    raw: form.toString(),
    contentType: 'application/x-www-form-urlencoded',
  });
  expect(posted.status).toBe(200);
  const id = posted.json<{ service_request_id: string }[]>()[0]!.service_request_id;
  const got = await rpc(centre, centre.getReport, { reportId: id });
  expect(got.report?.cell?.cellId).toBe(cells[42]!.id);

  const refused = await http(intake.httpAddress, '/open311/v2/requests.json', {
    raw: `service_code=event.01.04&lat=${shown.lat}&long=${shown.lon}&attribute[crs]=cgcs2000`,
    contentType: 'application/x-www-form-urlencoded',
  });
  expect(refused.status).toBe(400);
  expect(refused.text).toContain('attribute[crs]');
});

it('a duplicate near an open report of the same category is absorbed', async () => {
  const p = spot(50);
  const master = await rpc(inspector, inspector.submitReport, {
    categoryCode: 'component.01.02',
    location: { latitude: p.lat, longitude: p.lon },
    crs: 0,
    description: '污水井盖破损',
    photoRefs: [],
    requestId: '',
  });
  const again = await http(intake.httpAddress, '/v1/reports', {
    body: { category: 'component.01.02', location: north(p, 15), description: '井盖坏了', reporter: { phone: '13700000000' } },
  });
  expect(again.json()).toMatchObject({ status: 'duplicate' });
  const m = await rpc(centre, centre.getReport, { reportId: master.report!.reportId });
  expect(m.report?.duplicateCount).toBe(1);
  // Far away, or another category: not a duplicate.
  const far = await http(intake.httpAddress, '/v1/reports', {
    body: { category: 'component.01.02', location: north(p, 300), description: '另一个井盖' },
  });
  expect(far.json()).toMatchObject({ status: 'awaiting_filing' });
});

it('sensor alarms are deduplicated per device and alarm, with a result per item', async () => {
  const token = await tokenFor('gateway-1', ['sensor.gateway'], 'system.iot');
  const p = spot(60);
  const alarm = (alarmId: string) => ({ deviceId: 'MH-0001', alarmId, category: 'component.01.03', location: p });
  const first = await http(intake.httpAddress, '/v1/sensor-alarms', {
    token,
    body: { alarms: [alarm('A1'), alarm('A1'), { ...alarm('A2'), category: 'nope.1' }] },
  });
  expect(first.status).toBe(200);
  const results = first.json<{ results: { outcome: string; reportId?: string }[] }>().results;
  expect(results.map((r) => r.outcome)).toEqual(['created', 'duplicate', 'rejected']);
  const second = await http(intake.httpAddress, '/v1/sensor-alarms', { token, body: { alarms: [alarm('A1')] } });
  expect(second.json<{ results: { outcome: string; reportId: string }[] }>().results[0]).toMatchObject({
    outcome: 'duplicate',
    reportId: results[0]!.reportId,
  });
  const { events } = await intake.store.readStream(`report-${results[0]!.reportId}`);
  expect(events.map((e) => e.type)).toEqual(['intake.report.received.v1', 'intake.report.filed.v1']);
});

it('work orders are idempotent by external id: 3 sends, then 3 concurrent, one report', async () => {
  const p = spot(70);
  const order = {
    externalId: 'GD-2025-000123',
    categoryCode: 'event.05.01',
    location: { latitude: p.lat, longitude: p.lon },
    crs: 0,
    description: '流动摊贩占道',
    photoRefs: [],
    reporterName: '',
    reporterPhone: '',
    household: undefined,
  };
  const sequential = [];
  for (let i = 0; i < 3; i++) sequential.push(await rpc(opscenter, opscenter.submitWorkOrder, order));
  // (Elsewhere: next to the first order it would be merged into it as a duplicate, rightly.)
  const q = spot(75);
  const concurrent = await Promise.all(
    [1, 2, 3].map(() =>
      rpc(opscenter, opscenter.submitWorkOrder, {
        ...order,
        externalId: 'GD-2025-000124',
        location: { latitude: q.lat, longitude: q.lon },
      }),
    ),
  );
  expect(new Set(sequential.map((r) => r.report!.reportId)).size).toBe(1);
  expect(sequential.map((r) => r.created)).toEqual([true, false, false]);
  expect(new Set(concurrent.map((r) => r.report!.reportId)).size).toBe(1);
  expect(concurrent.filter((r) => r.created)).toHaveLength(1);
  for (const id of [sequential[0]!.report!.reportId, concurrent[0]!.report!.reportId]) {
    expect((await intake.store.readStream(`report-${id}`)).events).toHaveLength(2);
  }
  expect(sequential[0]!.report).toMatchObject({ externalId: 'GD-2025-000123', status: ReportStatus.REPORT_STATUS_FILED });
});

it('dispatch’s CaseOpened / CaseClosed link and close the report (and its merged duplicates)', async () => {
  const p = spot(80);
  const master = await rpc(inspector, inspector.submitReport, {
    categoryCode: 'event.01.01',
    location: { latitude: p.lat, longitude: p.lon },
    crs: 0,
    description: '私搭乱建',
    photoRefs: [],
    requestId: '',
  });
  const dup = await http(intake.httpAddress, '/v1/reports', {
    body: { category: 'event.01.01', location: north(p, 5), description: '违建' },
  });
  const reportId = master.report!.reportId;
  const producer = kafka.producer();
  await producer.connect();
  const ce = (type: string, id: string, data: unknown, version = type.endsWith('.opened.v1') ? 1 : 2) => ({
    key: 'case-C1',
    value: JSON.stringify(data),
    headers: {
      ce_specversion: '1.0',
      ce_id: id,
      ce_type: type,
      ce_source: '/yiwang/dispatch',
      ce_time: new Date().toISOString(),
      ce_subject: 'case-C1',
      ce_streamversion: String(version),
      ce_position: String(version),
      'content-type': 'application/json',
    },
  });
  await producer.send({
    topic: config.dispatchTopic,
    messages: [
      ce('dispatch.case.opened.v1', 'e-open', { caseId: 'C1', reportId }),
      ce('dispatch.case.closed.v1', 'e-close', { caseId: 'C1', reportId }),
    ],
  });
  // Redelivery of the same event id: the inbox skips it.
  await producer.send({ topic: config.dispatchTopic, messages: [ce('dispatch.case.closed.v1', 'e-close', { caseId: 'C1', reportId })] });
  await producer.disconnect();
  const closed = await until(
    async () => {
      const r = await rpc(centre, centre.getReport, { reportId });
      return r.report?.status === ReportStatus.REPORT_STATUS_CLOSED ? r : null;
    },
    40_000,
    'the report to close',
  );
  expect(closed.report?.caseId).toBe('C1');
  const dupToken = dup.json<{ token: string; status: string }>();
  expect(dupToken.status).toBe('duplicate');
  await until(
    async () => (await http(intake.httpAddress, `/v1/reports/${dupToken.token}`)).json<{ status: string }>().status === 'closed',
    10_000,
    'the duplicate to close',
  );
  const open311 = await http(intake.httpAddress, `/open311/v2/requests/${reportId}.json`);
  expect(open311.json<unknown[]>()[0]).toMatchObject({ status: 'closed' });
  expect((await intake.store.readStream(`report-${reportId}`)).events.filter((e) => e.type === 'intake.report.closed.v1')).toHaveLength(1);
}, 60_000);
