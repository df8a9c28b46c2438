// `yiwang enforcement-indicators` against the enforcement service running in this process on the
// real broker and database: a few cases through gRPC (sources, a filing, on-the-spot fines, one
// paid), then the table from a replay of its event log equals the live GetIndicators table.
import { randomBytes } from 'node:crypto';
import { TestClock } from '@yiwang/kernel-core';
import { callUnary, createGrpcClient, signToken, type Principal } from '@yiwang/platform';
import * as api from '@yiwang/proto/yiwang/enforcement/v1/enforcement_service';
import { loadEnforcementConfig, startEnforcementService, type EnforcementService } from '@yiwang/enforcement';
import { testDatabase, testServers, uniqueName } from '@yiwang/testing';
import { enforcementIndicators } from './enforcement-indicators';

const SECRET = 'cli-enforcement-e2e-secret-at-least-32-chars';
const officer = (squad: string): Principal => ({
  subject: `o.${squad}`,
  department: squad,
  roles: ['enforcement.officer', 'enforcement.approver'],
});
const analyst: Principal = { subject: 'an.alyst', department: 'centre.supervision', roles: ['analyst.replay'] };
const clock = new TestClock('2025-05-06T10:00:00+08:00');

let t: Awaited<ReturnType<typeof testDatabase>>;
let service: EnforcementService;
beforeAll(async () => {
  t = await testDatabase(__filename);
  const servers = testServers();
  const prefix = uniqueName(__filename);
  const config = loadEnforcementConfig({
    BIND_HOST: '127.0.0.1',
    ENFORCEMENT_GRPC_PORT: '0',
    ENFORCEMENT_HTTP_PORT: '0',
    MONGODB_URI: servers.mongoUri,
    ENFORCEMENT_DB: t.db.databaseName,
    KAFKA_BROKERS: servers.kafkaBrokers.join(','),
    ENFORCEMENT_TOPIC: `yiwang.${prefix}_enforcement.events.v1`,
    ENFORCEMENT_DISPATCH_TOPIC: `yiwang.${prefix}_dispatch.events.v1`,
    ENFORCEMENT_DISPATCH_GROUP: `${prefix}.dispatch-handover`,
    PII_MASTER_KEY: randomBytes(32).toString('base64'),
    AUTH_JWT_SECRET: SECRET,
    LOG_LEVEL: 'silent',
  });
  service = await startEnforcementService(config, { clock });
}, 90_000);
afterAll(async () => {
  await service?.stop();
  await t?.close();
});

async function call(who: Principal, method: keyof api.EnforcementServiceClient, request: object): Promise<unknown> {
  const c = createGrpcClient(api.EnforcementServiceClient, service.grpcAddress, { token: await signToken(who, { secret: SECRET }) });
  const type = `${String(method).charAt(0).toUpperCase()}${String(method).slice(1)}Request`;
  const fns = (api as unknown as Record<string, { fromPartial(o: unknown): unknown }>)[type]!;
  try {
    return await callUnary((c[method] as unknown as (...a: unknown[]) => unknown).bind(c) as never, fns.fromPartial(request), {
      // A loaded machine: the first command of a fresh database may take a while.
      deadlineMs: 30_000,
    });
  } finally {
    c.close();
  }
}

it('the replayed table equals the live GetIndicators table of the month', async () => {
  const spot = (squad: string, caseId: string, fineFen: number) =>
    call(officer(squad), 'decideOnTheSpot', {
      caseId,
      squadId: squad,
      district: squad === 'squad.jiefang.1' ? '解放区' : '山阳区',
      source: { kind: 'own_discovery', description: '店外经营', location: '民主路' },
      party: { type: 'person', name: '李四', idNumber: '410802198505051234' },
      officers: ['a.one', 'b.two'],
      facts: '店外摆摊',
      penalty: { kinds: ['fine'], fineFen },
    });
  await spot('squad.jiefang.1', 'EF-CLI-1', 20_000);
  await spot('squad.jiefang.1', 'EF-CLI-2', 10_000);
  await spot('squad.shanyang.1', 'EF-CLI-3', 15_000);
  await call(officer('squad.jiefang.1'), 'recordPayment', { caseId: 'EF-CLI-1', amountFen: 20_000, receipt: 'POS-1' });
  await call(officer('squad.shanyang.1'), 'registerSource', {
    caseId: 'EF-CLI-4',
    district: '山阳区',
    source: { kind: 'own_discovery', description: '私搭乱建', location: '山阳路' },
  });

  // The live table is written by the projector: wait until it holds every case.
  for (let i = 0; i < 100 && (await service.queries.indicators('2025-05')).rows.reduce((n, r) => n + r.sources, 0) < 4; i++)
    await new Promise((r) => setTimeout(r, 200));
  const settled = await service.queries.indicators('2025-05', 'squad', 'collection_rate');
  expect(settled.rows.reduce((n, r) => n + r.sources, 0)).toBe(4);

  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  try {
    const code = await enforcementIndicators(['--period', '2025-05', '--address', service.grpcAddress, '--format', 'json'], {
      env: { YIWANG_TOKEN: await signToken(analyst, { secret: SECRET }) },
      signal: new AbortController().signal,
      progress: false,
      stderr: () => undefined,
    });
    expect(code).toBe(0);
  } finally {
    process.stdout.write = write;
  }
  const replayed = JSON.parse(out) as typeof settled & { replayed: number };
  expect(replayed.replayed).toBe(5);
  expect(replayed.rows).toEqual(settled.rows);
  expect(replayed.rows.find((r) => r.key === 'squad.jiefang.1')).toMatchObject({
    rank: 1,
    finesDecidedFen: 30_000,
    finesCollectedFen: 20_000,
  });
}, 120_000);
