// Intake and dispatch in one process against the real broker and database: a citizen's Open311
// report, once filed, shows the unit dispatch routed it to and its deadline (learnt from
// `dispatch.case.*` on Kafka), on Open311 and on the token follow-up; after verification it shows
// `closed` with the unit's result.
import { callUnary, createGrpcClient, signToken, type Principal } from '@yiwang/platform';
import { dlqTopic, headerString, KafkajsBroker, type IncomingMessage } from '@yiwang/kernel-kafka';
import {
  DispatchServiceClient,
  ReportHandlingRequest,
  SignForRequest,
  VerificationOutcome,
  VerifyRequest,
  GetCaseRequest,
  type CaseCommandResponse,
  type GetCaseResponse,
} from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { loadDispatchConfig, startDispatchService, type DispatchService, caseIdForReport } from '@yiwang/dispatch';
import { CaseStep } from '@yiwang/proto/yiwang/intake/v1/intake_service';
import { cellCentre, shippedUnitGrid, shippedUnitDirectory, startIntakeService, type RunningIntake } from '@yiwang/intake';
import { grpcClient, http, quietLogger, rpc, SECRET, testConfig, tokenFor, until } from '@yiwang/intake/testing';

type Open311Request = {
  service_request_id: string;
  status: string;
  status_notes: string;
  agency_responsible: string;
  expected_datetime: string | null;
  updated_datetime: string;
};
type Followup = {
  status: string;
  statusNotes: string;
  case?: {
    step: string;
    open: boolean;
    unit: { id: string; name: string } | null;
    deadline: string | null;
    closedAt: string | null;
    result: string | null;
  };
};

const config = testConfig(__filename);
let intake: RunningIntake;
let dispatch: DispatchService;

beforeAll(async () => {
  intake = await startIntakeService(config, { logger: quietLogger() });
  dispatch = await startDispatchService(
    loadDispatchConfig({
      BIND_HOST: '127.0.0.1',
      GRPC_PORT: '0',
      HTTP_PORT: '0',
      MONGODB_URI: config.mongodbUri,
      DISPATCH_DB: `${config.database}_dispatch`,
      KAFKA_BROKERS: config.kafkaBrokers.join(','),
      DISPATCH_TOPIC: config.dispatchTopic,
      INTAKE_TOPIC: config.eventsTopic,
      DISPATCH_CONSUMER_GROUP: `${config.consumerGroup}.dispatch`,
      AUTH_JWT_SECRET: SECRET,
      LOG_LEVEL: 'silent',
    }),
  );
}, 90_000);
afterAll(async () => {
  await dispatch?.stop();
  await intake?.stop();
});

async function dispatchCall<Req, Res>(who: Principal, method: keyof DispatchServiceClient, request: Req): Promise<Res> {
  const c = createGrpcClient(DispatchServiceClient, dispatch.grpcAddress, { token: await signToken(who, { secret: SECRET }) });
  try {
    return (await callUnary((c[method] as unknown as (...a: unknown[]) => unknown).bind(c) as never, request)) as Res;
  } finally {
    c.close();
  }
}

const open311 = async (reportId: string): Promise<Open311Request> =>
  (await http(intake.httpAddress, `/open311/v2/requests/${reportId}.json`)).json<Open311Request[]>()[0]!;

it("a poison message on dispatch's topic goes to the dead-letter topic with the error; the consumers keep going (next test)", async () => {
  const broker = new KafkajsBroker({ brokers: config.kafkaBrokers, clientId: 'poison-test', logLevel: 'nothing' });
  const producer = broker.producer();
  await producer.connect();
  // A case event whose protobuf data is garbage: the CloudEvents headers are fine, decoding is not.
  await producer.send([
    {
      topic: config.dispatchTopic,
      key: 'case-C-poison-1',
      value: Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
      headers: {
        ce_specversion: '1.0',
        ce_id: 'poison-1',
        ce_type: 'dispatch.case.dispatched.v1',
        ce_source: '/yiwang/dispatch',
        ce_time: new Date().toISOString(),
        ce_subject: 'case-C-poison-1',
        ce_streamversion: '2',
        ce_position: '1',
        'content-type': 'application/protobuf; messageType=yiwang.dispatch.v1.CaseDispatched',
      },
    },
  ]);
  await producer.disconnect();
  // The consumer creates the dead-letter topic once it reaches the broker (in the background, as
  // services start without it); read it from the beginning once it is there.
  const admin = broker.admin();
  await admin.connect();
  try {
    await until(() => admin.describeTopic(dlqTopic(config.dispatchTopic)), 45_000, 'the dead-letter topic');
  } finally {
    await admin.disconnect();
  }
  const seen: IncomingMessage[] = [];
  const reader = broker.consumer({ groupId: `poison-reader-${Date.now()}` });
  await reader.connect();
  await reader.subscribe([dlqTopic(config.dispatchTopic)], { fromBeginning: true });
  await reader.run({ eachMessage: async (m) => void seen.push(m) });
  const dead = await until(
    async () => seen.find((m) => m.key?.toString() === 'case-C-poison-1') ?? null,
    45_000,
    'the poison message on the dead-letter topic',
  ).finally(() => reader.disconnect());
  expect(headerString(dead.headers, 'dlq_error')).toBeTruthy();
  expect(headerString(dead.headers, 'ce_id')).toBe('poison-1');
  // Nothing was made of it: no case progress for the report behind that case.
  expect(await intake.caseProgress.forReport('poison-1')).toBeNull();
});

it('Open311 shows the routed unit and the deadline after dispatch, then closed with the result', async () => {
  const cell = [...shippedUnitGrid().cells.values()][0]!;
  const p = cellCentre(cell);
  const form = new URLSearchParams({ service_code: 'event.01.02', lat: String(p.lat), long: String(p.lon), description: '路边垃圾堆积' });
  const posted = await http(intake.httpAddress, '/open311/v2/requests.json', {
    raw: form.toString(),
    contentType: 'application/x-www-form-urlencoded',
  });
  expect(posted.status).toBe(200);
  const { service_request_id: reportId, token } = posted.json<{ service_request_id: string; token: string }[]>()[0]!;

  const before = await open311(reportId);
  expect(before).toMatchObject({ status: 'open', expected_datetime: null });

  // The supervision centre files the citizen's report (立案); dispatch routes it by itself.
  const supervisor = grpcClient(intake.grpcAddress, await tokenFor('chen.jie', ['centre.supervision']));
  await rpc(supervisor, supervisor.fileReport, { reportId, cellId: '', note: '属实' });
  supervisor.close();

  const dispatched = await until(
    async () => {
      const r = await open311(reportId);
      return r.expected_datetime ? r : null;
    },
    45_000,
    'Open311 shows the deadline',
  );
  const centre = { subject: 'li.na', department: 'centre.command', roles: ['centre.command'] };
  const theCase = (
    await dispatchCall<GetCaseRequest, GetCaseResponse>(
      centre,
      'getCase',
      GetCaseRequest.fromPartial({ caseId: caseIdForReport(reportId) }),
    )
  ).case!;
  const unit = shippedUnitDirectory().unit(theCase.unitId);
  expect(unit.name.zh).not.toBe(theCase.unitId); // a unit of the directory, shown by name
  expect(dispatched).toMatchObject({ status: 'open', agency_responsible: `${unit.name.zh} ${unit.name.en}` });
  expect(Date.parse(dispatched.expected_datetime!)).toBe(Date.parse(theCase.deadline));
  expect(dispatched.status_notes).toContain(`已派遣至${unit.name.zh}`);
  expect(Date.parse(dispatched.updated_datetime)).toBeGreaterThanOrEqual(Date.parse(before.updated_datetime));

  // Staff see the same through gRPC GetReport.
  const viewer = grpcClient(intake.grpcAddress, await tokenFor('chen.jie', ['centre.supervision']));
  const got = (await rpc(viewer, viewer.getReport, { reportId })).report!;
  expect(got.caseProgress).toMatchObject({
    caseId: theCase.caseId,
    step: CaseStep.CASE_STEP_DISPATCHED,
    unitId: theCase.unitId,
    unitName: unit.name.zh,
    overdue: false,
    closedAt: undefined,
  });
  expect(got.caseProgress!.deadline!.getTime()).toBe(Date.parse(theCase.deadline));

  const followup = (await http(intake.httpAddress, `/v1/reports/${token}`)).json<Followup>();
  expect(followup.case).toMatchObject({
    step: 'dispatched',
    open: true,
    unit: { id: theCase.unitId, name: unit.name.zh },
    closedAt: null,
    result: null,
  });
  expect(Date.parse(followup.case!.deadline!)).toBe(Date.parse(theCase.deadline));

  // The unit signs, handles, and the inspector passes it (核查结案).
  const staff = { subject: 'wang.li', department: theCase.unitId, roles: [] };
  const inspector = { subject: 'sun.hao', department: 'centre.supervision', roles: ['inspector'] };
  const caseId = theCase.caseId;
  await dispatchCall<SignForRequest, CaseCommandResponse>(staff, 'signFor', SignForRequest.fromPartial({ caseId }));
  await dispatchCall<ReportHandlingRequest, CaseCommandResponse>(
    staff,
    'reportHandling',
    ReportHandlingRequest.fromPartial({ caseId, notes: '已清运', photoRefs: ['p/1.jpg'] }),
  );
  const verified = await dispatchCall<VerifyRequest, CaseCommandResponse>(
    inspector,
    'verify',
    VerifyRequest.fromPartial({ caseId, outcome: VerificationOutcome.VERIFICATION_OUTCOME_PASSED }),
  );
  expect(verified.status).toBe('closed');

  const closed = await until(
    async () => {
      const r = await open311(reportId);
      // Intake's own closure may show first (another consumer group); wait for the case's result too.
      return r.status === 'closed' && r.status_notes.startsWith('已结案：已清运') ? r : null;
    },
    45_000,
    'Open311 status closed with the result',
  );
  expect(closed).toMatchObject({ agency_responsible: `${unit.name.zh} ${unit.name.en}`, expected_datetime: dispatched.expected_datetime });
  expect(Date.parse(closed.updated_datetime)).toBeGreaterThan(Date.parse(dispatched.updated_datetime));

  const closedView = (await rpc(viewer, viewer.getReport, { reportId })).report!;
  viewer.close();
  expect(closedView.caseProgress).toMatchObject({ step: CaseStep.CASE_STEP_CLOSED, handlingNotes: '已清运', closedOnTime: true });
  expect(closedView.caseProgress!.closedAt).toBeInstanceOf(Date);

  const after = (await http(intake.httpAddress, `/v1/reports/${token}`)).json<Followup>();
  expect(after.case).toMatchObject({ step: 'closed', open: false, result: '已清运' });
  expect(after.case!.closedAt).not.toBeNull();

  // The list query answers the same, and filters by the Open311 status.
  const listed = (await http(intake.httpAddress, `/open311/v2/requests.json?service_request_id=${reportId}&status=closed`)).json<
    Open311Request[]
  >();
  // (updated_datetime may have moved on: intake's own closure of the report can land after the case's.)
  expect(listed).toEqual([{ ...closed, updated_datetime: expect.any(String) }]);
});
