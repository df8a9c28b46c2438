// The operations-centre link end to end, in one process against the real broker and database:
// intake, dispatch, integration and the simulated centre, each on its own database. The centre's
// outage lasts seconds here (configurable; the demo and the bench use longer ones).
import { status } from '@grpc/grpc-js';
import { callUnary, signToken } from '@yiwang/platform';
import { eventLogClient, readLog } from '@yiwang/event-log';
import {
  type Link,
  centreCommand,
  driveToClosure,
  grpcFailure,
  linkClient,
  order,
  SECRET,
  startLink,
  submitAsCentre,
  until,
} from './opscenter-link.test-helpers';
import type { CentreCaseDoc } from '@yiwang/opscenter-simulator';

let link: Link;

beforeAll(async () => {
  link = await startLink(__filename);
}, 120_000);
afterAll(async () => {
  await link?.close();
});

const CLOSED = 7;
const LOOP = ['opened', 'dispatched', 'signed_for', 'handling_reported', 'verified', 'closed'];
const LOOP_WITH_REWORK = [
  'opened',
  'dispatched',
  'signed_for',
  'handling_reported',
  'verified',
  'rework_ordered',
  'handling_reported',
  'verified',
  'closed',
];

const closedAtCentre = (caseId: string, sequence: number) =>
  until(
    async () => {
      const c = await link.simulator.store.get(caseId);
      return c && c.state === CLOSED && c.sequence === sequence ? c : null;
    },
    60_000,
    `case ${caseId} closed at the centre with sequence ${sequence}`,
  );

/** The centre saw every change once (after its de-duplication), in sequence order, without gaps. */
function expectCompleteAndOrdered(c: CentreCaseDoc, steps: string[]): void {
  const changes = c.history.filter((h) => h.kind === 'change');
  expect(changes.map((h) => h.sequence)).toEqual(steps.map((_, i) => i + 1));
  expect(changes.map((h) => h.eventType.replace(/^dispatch\.case\.|\.v1$/g, ''))).toEqual(steps);
  expect(new Set(changes.map((h) => h.eventId)).size).toBe(changes.length);
  expect(c.orderViolations).toEqual([]);
}

const operatorToken = () => signToken(centreCommand, { secret: SECRET });

it('a work order goes through dispatch to closure, and the centre receives every state, in order, once', async () => {
  const centre = linkClient(link, 'centre');
  const accepted = await submitAsCentre(centre, order(link, 0));
  expect(accepted).toMatchObject({ created: true, caseId: `C-${accepted.reportId}` });
  await driveToClosure(link, accepted.caseId, { failFirst: true });
  const atCentre = await closedAtCentre(accepted.caseId, LOOP_WITH_REWORK.length);
  expectCompleteAndOrdered(atCentre, LOOP_WITH_REWORK);
  expect(atCentre.history.map((h) => h.state)).toEqual([1, 2, 3, 6, 6, 3, 6, 6, 7]);
  expect(atCentre.externalId).toBe(`${link.prefix}-WO-0`);
  // Yiwang's own answer to the centre agrees, and says the centre acknowledged everything.
  const linkStatus = await until(
    async () => {
      const s = await callUnary(centre.getCaseStatus.bind(centre), { caseId: accepted.caseId });
      return s.acknowledgedSequence === LOOP_WITH_REWORK.length && s.pendingUpdates === 0 ? s : null;
    },
    20_000,
    'every update acknowledged',
  );
  expect(linkStatus.latest).toMatchObject({
    state: CLOSED,
    caseId: accepted.caseId,
    externalId: `${link.prefix}-WO-0`,
    centreCategoryCode: 'SR-0102',
    categoryCode: 'event.01.02',
  });
  centre.close();
}, 120_000);

it('the same work order sent three times at once, and again later, is one report and one case', async () => {
  link.simulator.faults.change({ duplicateDeliveries: 3 });
  try {
    const wo = order(link, 1);
    const first = await link.simulator.sender.send(wo);
    const again = await link.simulator.sender.send(wo);
    const answers = [...first, ...again].map((r) => {
      if (!r.ok) throw new Error(`refused: ${r.details}`);
      return r.response;
    });
    expect(answers).toHaveLength(6);
    expect(new Set(answers.map((a) => a.caseId)).size).toBe(1);
    expect(new Set(answers.map((a) => a.reportId)).size).toBe(1);
    expect(answers.filter((a) => a.created)).toHaveLength(1);
    // One report in intake with that external id, one case opened for it.
    const report = await link.intake.application.get(answers[0]!.reportId);
    expect(report).toMatchObject({ externalId: wo.externalId });
    await driveToClosure(link, answers[0]!.caseId);
    expectCompleteAndOrdered(await closedAtCentre(answers[0]!.caseId, LOOP.length), LOOP);
  } finally {
    link.simulator.faults.change({ duplicateDeliveries: 1 });
  }
}, 120_000);

it('refuses callers that are not the centre, and the centre refuses callers that are not Yiwang', async () => {
  const wo = order(link, 2);
  for (const who of ['no-certificate', 'rogue'] as const) {
    const c = linkClient(link, who);
    // No certificate, or one from a CA Yiwang does not trust: the TLS handshake fails.
    expect((await grpcFailure(submitAsCentre(c, wo))).code).toBe(status.UNAVAILABLE);
    c.close();
  }
  // A certificate of the centre's CA, but another system's: refused by identity.
  const stranger = linkClient(link, 'stranger');
  expect(await grpcFailure(submitAsCentre(stranger, wo))).toMatchObject({ code: status.PERMISSION_DENIED });
  stranger.close();
  // Nothing was recorded for the order.
  const centre = linkClient(link, 'centre');
  expect((await grpcFailure(callUnary(centre.getCaseStatus.bind(centre), { caseId: 'C-none' }))).code).toBe(status.NOT_FOUND);
  centre.close();
  // Outbound: the simulated centre accepts only Yiwang's certificate (the centre's own client cert is refused).
  const { credentials } = await import('@grpc/grpc-js');
  const { OpsCentreServiceClient } = await import('@yiwang/proto/yiwang/opscenter/v1/centre_service');
  const wrong = new OpsCentreServiceClient(
    link.simulator.grpcAddress,
    credentials.createSsl(Buffer.from(link.certs.centreCa), Buffer.from(link.certs.stranger.key), Buffer.from(link.certs.stranger.cert)),
  );
  expect(
    (await grpcFailure(callUnary(wrong.listCaseStates.bind(wrong), { updatedSince: undefined, pageSize: 1, pageToken: '' }))).code,
  ).toBe(status.UNAVAILABLE);
  wrong.close();
});

it('refuses malformed work orders with a reason per field, and stores nothing', async () => {
  const centre = linkClient(link, 'centre');
  const intakeHead = await link.intake.store.headPosition();
  const integrationHead = await link.integration.store.headPosition();
  const bad = order(link, 3, { externalId: `${link.prefix}-BAD`, categoryCode: 'XX-0000', description: '', location: undefined });
  const failure = await grpcFailure(submitAsCentre(centre, bad));
  expect(failure.code).toBe(status.INVALID_ARGUMENT);
  expect(failure.details).toMatch(/category_code: "XX-0000" is not in the shared code table/);
  expect(JSON.parse(failure.violations).map((v: { field: string }) => v.field)).toEqual(['category_code', 'location', 'description']);
  // Give the sequencers time to place anything that might have been written, then look.
  await new Promise((r) => setTimeout(r, 500));
  const written = [
    ...(await link.intake.store.readAll({ after: intakeHead })),
    ...(await link.integration.store.readAll({ after: integrationHead })),
  ];
  expect(written.filter((e) => JSON.stringify(e.data).includes(`${link.prefix}-BAD`))).toEqual([]);
  centre.close();
});

it('while the centre is down, updates wait durably; when it returns they catch up in order, despite errors, delays, shuffled and dropped acknowledgements', async () => {
  const centre = linkClient(link, 'centre');
  const a = await submitAsCentre(centre, order(link, 4));
  const b = await submitAsCentre(centre, order(link, 5));
  // The opening reaches the centre first.
  await until(
    async () => (await link.simulator.store.get(b.caseId))?.sequence === 2 && (await link.simulator.store.get(a.caseId))?.sequence === 2,
    45_000,
    'both cases dispatched at the centre',
  );
  // Down for a while, and flaky when it comes back: slow, a quarter of the calls failing,
  // acknowledgements shuffled and half of them missing.
  link.simulator.faults.change({ unavailableForMs: 6_000, delayMs: 50, errorRate: 0.25, outOfOrderAcks: true, dropAckRate: 0.5 });
  await Promise.all([driveToClosure(link, a.caseId), driveToClosure(link, b.caseId, { failFirst: true })]);
  // Cases moved on while the centre was away: the updates wait in the store, the breaker opened.
  await until(
    async () => link.integration.pusher.backlog > 0 && link.integration.pusher.breakerState() !== 'closed',
    10_000,
    'backlog while the centre is down',
  );
  expect((await link.simulator.store.get(a.caseId))?.state).not.toBe(CLOSED);
  try {
    expectCompleteAndOrdered(await closedAtCentre(a.caseId, LOOP.length), LOOP);
    expectCompleteAndOrdered(await closedAtCentre(b.caseId, LOOP_WITH_REWORK.length), LOOP_WITH_REWORK);
    // The centre holds everything; Yiwang keeps resending what it did not acknowledge until it does.
    for (const c of [a, b])
      await until(
        async () => (await callUnary(centre.getCaseStatus.bind(centre), { caseId: c.caseId })).pendingUpdates === 0,
        30_000,
        'all acknowledged',
      );
  } finally {
    link.simulator.faults.change({ delayMs: 0, errorRate: 0, outOfOrderAcks: false, dropAckRate: 0 });
  }
  // Unacknowledged updates were sent again: the centre saw duplicates and dropped them.
  expect((await link.simulator.store.stats()).duplicates).toBeGreaterThan(0);
  centre.close();
}, 120_000);

it('reconciliation finds a centre state altered behind our back, and a case the centre lost, and repairs both', async () => {
  const centre = linkClient(link, 'centre');
  const accepted = await submitAsCentre(centre, order(link, 6));
  await driveToClosure(link, accepted.caseId);
  await closedAtCentre(accepted.caseId, LOOP.length);
  await until(
    async () => (await callUnary(centre.getCaseStatus.bind(centre), { caseId: accepted.caseId })).pendingUpdates === 0,
    20_000,
    'acknowledged',
  );
  // Someone at the centre edits the case by hand.
  const tampered = await fetch(`${link.simulator.adminAddress}/cases/${accepted.caseId}/tamper`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${link.simulator.adminToken}` },
    body: JSON.stringify({ state: 'dispatched', responsibleUnit: 'dept.unknown' }),
  });
  expect(tampered.status).toBe(200);
  // And the centre loses another case entirely (restored from an old backup, say).
  const lost = (await link.simulator.store.list(null)).find((c) => c._id !== accepted.caseId && c.externalId !== '' && c.state === CLOSED)!;
  const forget = { method: 'DELETE', headers: { authorization: `Bearer ${link.simulator.adminToken}` } };
  expect((await fetch(`${link.simulator.adminAddress}/cases/${lost._id}`, forget)).status).toBe(200);
  const res = await fetch(`${link.integration.httpAddress}/v1/reconciliations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await operatorToken()}` },
  });
  expect(res.status).toBe(200);
  const report = (await res.json()) as { checked: number; repaired: Array<{ caseId: string; reason: string }> };
  expect(report.checked).toBeGreaterThanOrEqual(1);
  expect(report.repaired.map((r) => r.caseId).sort()).toEqual([accepted.caseId, lost._id].sort());
  expect(report.repaired.find((r) => r.caseId === accepted.caseId)!.reason).toMatch(/state dispatched ≠ closed/);
  expect(report.repaired.find((r) => r.caseId === lost._id)!.reason).toMatch(/state unknown ≠ closed/);
  const repaired = await until(
    async () => {
      const c = await link.simulator.store.get(accepted.caseId);
      return c?.state === CLOSED && c.history.some((h) => h.kind === 'repair') ? c : null;
    },
    20_000,
    'repair applied at the centre',
  );
  expect(repaired.responsibleUnit).not.toBe('dept.unknown');
  const restored = await until(
    async () => {
      const c = await link.simulator.store.get(lost._id);
      return c?.state === CLOSED ? c : null;
    },
    20_000,
    'lost case restored at the centre',
  );
  expect(restored.sequence).toBe(lost.sequence);
  // A second pass finds nothing left to repair.
  for (const caseId of [accepted.caseId, lost._id])
    await until(
      async () => (await callUnary(centre.getCaseStatus.bind(centre), { caseId })).pendingUpdates === 0,
      20_000,
      'repairs acknowledged',
    );
  expect((await link.integration.reconciler.run()).repaired).toEqual([]);
  centre.close();
}, 120_000);

it('streams the same updates to a gRPC subscriber, from a cursor', async () => {
  const centre = linkClient(link, 'centre');
  const received: Array<{ caseId: string; sequence: number; cursor: string }> = [];
  const read = (cursor: string, want: number) =>
    new Promise<void>((resolve, reject) => {
      const stream = centre.subscribeCaseUpdates({ cursor });
      stream.on('data', (m: { update?: { caseId: string; sequence: number }; cursor: string }) => {
        received.push({ caseId: m.update!.caseId, sequence: m.update!.sequence, cursor: m.cursor });
        if (received.length >= want) {
          stream.cancel();
          resolve();
        }
      });
      stream.on('error', (e: { code?: number }) => (e.code === status.CANCELLED ? resolve() : reject(e)));
    });
  await read('', 5);
  // The first test's case was alone at first: its updates come first, in sequence order.
  const firstCase = received[0]!.caseId;
  expect(received.map((r) => `${r.caseId}#${r.sequence}`)).toEqual([1, 2, 3, 4, 5].map((n) => `${firstCase}#${n}`));
  // Resuming after the third update continues with the fourth.
  const third = received[2]!;
  received.length = 0;
  await read(third.cursor, 1);
  expect(received[0]).toMatchObject({ caseId: firstCase, sequence: 4 });
  centre.close();
});

it("analysts read integration's own log over its internal gRPC port (bearer token, not the centre's mTLS port)", async () => {
  const analyst = await signToken(
    { subject: 'analyst.wu', department: 'centre.supervision', roles: ['analyst.replay'] },
    { secret: SECRET },
  );
  const client = eventLogClient(link.integration.internalGrpcAddress, analyst);
  const types = new Map<string, number>();
  for await (const batch of readLog(client, { types: [] })) for (const r of batch.records) types.set(r.type, (types.get(r.type) ?? 0) + 1);
  client.close();
  // Every update queued for the centre is in integration's log, with the centre's acknowledgements.
  const head = await link.integration.store.headPosition();
  expect([...types.values()].reduce((a, b) => a + b, 0)).toBe(head);
  expect(types.get('integration.sync.update_queued.v1')).toBeGreaterThan(0);
  const anonymous = eventLogClient(link.integration.internalGrpcAddress, '');
  await expect(
    (async () => {
      for await (const _ of readLog(anonymous, {})) void _;
    })(),
  ).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
  anonymous.close();
});

it("the operators' routes refuse callers without a token or without an operator role, and run nothing", async () => {
  const before = link.integration.reconciler.lastReport;
  const unit = await signToken(
    { subject: 'handler@dept.sanitation.jiefang', department: 'dept.sanitation.jiefang', roles: [] },
    { secret: SECRET },
  );
  const post = (token: string | null) =>
    fetch(`${link.integration.httpAddress}/v1/reconciliations`, {
      method: 'POST',
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
  expect((await post(null)).status).toBe(401);
  const forbidden = await post(unit);
  expect(forbidden.status).toBe(403);
  expect(forbidden.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect((await fetch(`${link.integration.httpAddress}/v1/sync/status`, { headers: { authorization: `Bearer ${unit}` } })).status).toBe(
    403,
  );
  expect(link.integration.reconciler.lastReport).toBe(before);
});
