// The demo's operations-centre part (run by infra/bin/yiwang-start.mjs, not by the services):
//   DEMO_PHASE=orders  the simulated centre pushes ~20 12345 work orders into Yiwang; the units take
//                      some of them through the loop (signed, handled, verified, closed)
//   DEMO_PHASE=view    prints the centre's view of each order beside Yiwang's own
// Env: DEMO_SIM_ADMIN, DEMO_SIM_ADMIN_TOKEN, DEMO_DISPATCH_GRPC, DEMO_INTEGRATION_HTTP, AUTH_JWT_SECRET, DEMO_WORK_ORDERS (default 20).
import { callUnary, createGrpcClient, signToken, type Principal } from '@yiwang/platform';
import * as api from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { DispatchServiceClient, VerificationOutcome } from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { cellCentre, shippedUnitGrid } from '@yiwang/intake';
import { hotlineOrder } from '@yiwang/opscenter-simulator';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const secret = env('AUTH_JWT_SECRET');
const admin = env('DEMO_SIM_ADMIN');
const adminAuth = { authorization: `Bearer ${env('DEMO_SIM_ADMIN_TOKEN')}` };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function dispatchClient(who: Principal): Promise<DispatchServiceClient> {
  return createGrpcClient(DispatchServiceClient, env('DEMO_DISPATCH_GRPC'), { token: await signToken(who, { secret }) });
}
function call<Res>(c: DispatchServiceClient, method: string, request: object): Promise<Res> {
  const fn = (c as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!.bind(c);
  const fns = (api as unknown as Record<string, { fromPartial(o: unknown): unknown }>)[
    `${method.charAt(0).toUpperCase()}${method.slice(1)}Request`
  ];
  return callUnary(fn as never, fns ? fns.fromPartial(request) : request) as Promise<Res>;
}
const centreCommand: Principal = { subject: 'li.na', department: 'centre.command', roles: ['centre.command'] };
const inspector: Principal = { subject: 'sun.hao', department: 'centre.supervision', roles: ['inspector'] };

async function getCase(centre: DispatchServiceClient, caseId: string): Promise<{ status: string; unitId: string } | null> {
  try {
    return (await call<{ case?: { status: string; unitId: string } }>(centre, 'getCase', { caseId })).case ?? null;
  } catch {
    return null;
  }
}

async function orders(): Promise<void> {
  const n = Number(process.env.DEMO_WORK_ORDERS ?? 20);
  // Cell centres far from the seeded day's reports' cells would be ideal; every 5th cell keeps most apart.
  const places = [...shippedUnitGrid().cells.values()].filter((_, i) => i % 5 === 2).map((c) => cellCentre(c));
  const batch = Array.from({ length: n }, (_, i) => ({
    ...hotlineOrder(i, places),
    externalId: `12345-DEMO-${Date.now().toString(36)}-${i + 1}`,
  }));
  const res = await fetch(`${admin}/work-orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...adminAuth },
    body: JSON.stringify({ orders: batch }),
  });
  if (!res.ok) throw new Error(`the simulator could not push work orders: ${res.status} ${await res.text()}`);
  const results = (await res.json()) as Array<{ externalId: string; sends: Array<{ caseId?: string; error?: number; details?: string }> }>;
  const accepted = results.flatMap((r) => (r.sends[0]?.caseId ? [r.sends[0].caseId] : []));
  console.log(`the operations centre sent ${n} 12345 work orders: ${accepted.length} accepted (${n - accepted.length} refused)`);
  // The units work on about half of them now; the rest stay open (and may run overdue later).
  const centre = await dispatchClient(centreCommand);
  const check = await dispatchClient(inspector);
  let closed = 0;
  for (const [i, caseId] of accepted.entries()) {
    if (i % 2 === 1) continue;
    let c = await getCase(centre, caseId);
    for (let t = 0; t < 60 && c?.status !== 'dispatched'; t++) {
      await sleep(500);
      c = await getCase(centre, caseId);
    }
    if (!c || c.status !== 'dispatched') continue;
    const unit = await dispatchClient({ subject: 'demo.unit', department: c.unitId, roles: [] });
    try {
      await call(unit, 'signFor', { caseId });
      if (i % 4 === 2) continue; // signed, still being handled
      await call(unit, 'reportHandling', { caseId, notes: '已按工单处置', photoRefs: [] });
      await call(check, 'verify', { caseId, outcome: VerificationOutcome.VERIFICATION_OUTCOME_PASSED, notes: '核查通过' });
      closed++;
    } finally {
      unit.close();
    }
  }
  centre.close();
  check.close();
  console.log(`units closed ${closed} of them; the others are dispatched or in progress`);
}

async function view(): Promise<void> {
  // Let the last updates reach the centre first (at most 30 s): every order dispatched there, nothing waiting.
  const token0 = await signToken(centreCommand, { secret });
  for (let t = 0; t < 60; t++) {
    const cases = (await (await fetch(`${admin}/cases`, { headers: adminAuth })).json()) as Array<{ externalId: string; sequence: number }>;
    const sync = (await (
      await fetch(`${env('DEMO_INTEGRATION_HTTP')}/v1/sync/status`, { headers: { authorization: `Bearer ${token0}` } })
    ).json()) as { backlog: number };
    if (sync.backlog === 0 && cases.filter((c) => c.externalId !== '').every((c) => c.sequence >= 2)) break;
    await sleep(500);
  }
  const centreCases = (await (await fetch(`${admin}/cases`, { headers: adminAuth })).json()) as Array<{
    caseId: string;
    externalId: string;
    state: string;
    sequence: number;
    responsibleUnit: string;
    orderViolations: unknown[];
  }>;
  const stats = (await (await fetch(`${admin}/stats`, { headers: adminAuth })).json()) as {
    deliveries: number;
    duplicates: number;
    orderViolations: number;
  };
  const token = await signToken(centreCommand, { secret });
  const status = (await (
    await fetch(`${env('DEMO_INTEGRATION_HTTP')}/v1/sync/status`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as { backlog: number; lagSeconds: number; breaker: string };
  const centre = await dispatchClient(centreCommand);
  console.log('\n## The operations centre’s view beside ours (一网统管)\n');
  console.log('| work order (centre) | case (Yiwang) | Yiwang status | centre state | centre seq | unit |');
  console.log('|---|---|---|---|---|---|');
  for (const c of centreCases.filter((x) => x.externalId !== '')) {
    const ours = await getCase(centre, c.caseId);
    console.log(`| ${c.externalId} | ${c.caseId} | ${ours?.status ?? '?'} | ${c.state} | ${c.sequence} | ${c.responsibleUnit || '-'} |`);
  }
  centre.close();
  console.log(
    `\ncentre received ${stats.deliveries} updates (${stats.duplicates} duplicates dropped by event id, ${stats.orderViolations} out of order); integration backlog ${status.backlog}, lag ${status.lagSeconds.toFixed(1)} s, breaker ${status.breaker}`,
  );
}

(process.env.DEMO_PHASE === 'view' ? view() : orders()).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
