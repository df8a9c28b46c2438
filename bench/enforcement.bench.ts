// Enforcement (issue 12), the whole service in this process against the real servers: the first
// steps of a penalty case (案源 → 调查取证 → 立案) as a squad sends them over gRPC, and the same
// commands through the application layer (no gRPC), against one raw insertOne per command on the
// same database. Database round trips are counted on every MongoClient of the process (the command
// path and the background work it causes: sequencer, projector with the indicator tables, relay),
// from the first command until the read models have caught up with the last one.
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { callUnary, createGrpcClient, signToken, type Principal } from '@yiwang/platform';
import * as api from '@yiwang/proto/yiwang/enforcement/v1/enforcement_service';
import { loadEnforcementConfig, startEnforcementService, type EnforcementService } from '@yiwang/enforcement';
import type { Servers } from '../infra/local/servers.mjs';

const SECRET = 'bench-enforcement-secret-at-least-32-chars';
const SQUAD = 'squad.bench.1';

let commands = 0;
const connect = MongoClient.prototype.connect;
MongoClient.prototype.connect = function (this: MongoClient) {
  (this as unknown as { monitorCommands: boolean }).monitorCommands = true;
  this.on('commandStarted', () => commands++);
  return connect.call(this) as Promise<MongoClient>;
} as typeof connect;

type Run = { name: string; items: number; seconds: number; ops: number };
const rate = (r: Run) => r.items / r.seconds;

/** Runs `fn`, then waits until the read model shows `settled()`: round trips counted over both. */
async function measure(name: string, items: number, fn: () => Promise<void>, settled: () => Promise<boolean>): Promise<Run> {
  console.error(`enforcement bench: ${name} …`);
  const before = commands;
  const t0 = process.hrtime.bigint();
  await fn();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  while (!(await settled())) await new Promise((r) => setTimeout(r, 100));
  // The projector's and relay's idle checks after catching up are not the commands' cost.
  return { name, items, seconds, ops: commands - before };
}

export async function benchEnforcement(servers: Servers, options: { cases: number }): Promise<string> {
  const stamp = Date.now();
  const dbName = `bench_enforcement_${stamp}`;
  const svc: EnforcementService = await startEnforcementService(
    loadEnforcementConfig({
      BIND_HOST: '127.0.0.1',
      ENFORCEMENT_GRPC_PORT: '0',
      ENFORCEMENT_HTTP_PORT: '0',
      MONGODB_URI: servers.mongoUri,
      ENFORCEMENT_DB: dbName,
      KAFKA_BROKERS: servers.kafkaBrokers,
      ENFORCEMENT_TOPIC: `bench.enforcement.${stamp}`,
      ENFORCEMENT_DISPATCH_TOPIC: `bench.enforcement-dispatch.${stamp}`,
      ENFORCEMENT_DISPATCH_GROUP: `bench.enforcement.${stamp}`,
      ENFORCEMENT_DEADLINE_SCAN_INTERVAL_MS: '600000',
      PII_MASTER_KEY: randomBytes(32).toString('base64'),
      AUTH_JWT_SECRET: SECRET,
      LOG_LEVEL: 'silent',
    }),
  );
  const raw = await MongoClient.connect(servers.mongoUri);
  const rawDb = raw.db(`${dbName}_raw`);
  const officer: Principal = { subject: 'bench.officer', department: SQUAD, roles: ['enforcement.officer'] };
  const leader: Principal = { subject: 'bench.leader', department: SQUAD, roles: ['enforcement.approver'] };
  const as = async (p: Principal) =>
    createGrpcClient(api.EnforcementServiceClient, svc.grpcAddress, {
      token: await signToken(p, { secret: SECRET }),
      defaultDeadlineMs: 600_000,
    });
  const call = (c: api.EnforcementServiceClient, method: keyof api.EnforcementServiceClient, request: object): Promise<unknown> => {
    const fn = (c[method] as unknown as (...args: unknown[]) => unknown).bind(c);
    const type = `${String(method).charAt(0).toUpperCase()}${String(method).slice(1)}Request`;
    const fns = (api as unknown as Record<string, { fromPartial(o: unknown): unknown }>)[type];
    return callUnary(fn as never, fns ? fns.fromPartial(request) : request) as Promise<unknown>;
  };
  const [o, l] = [await as(officer), await as(leader)];
  const n = options.cases;
  const source = (i: number) => ({ kind: 'own_discovery', description: `占道经营 ${i}`, location: '解放路' });
  const act = { kind: 'inspection', officers: ['zhang.wei', 'liu.yang'], notes: '现场检查', evidence: [] };
  const caughtUp = (caseId: string) => async () => {
    const doc = await (await svc.queries.getCase(caseId, { ...leader, roles: [...leader.roles] }).catch(() => null))?.view;
    return doc?.version === 3;
  };
  const out = ['## Enforcement (issue 12) — `npm run bench -- --only enforcement [--scale N]`', ''];
  try {
    // A warm-up case so that indexes, connections and the projector's first batch are not measured.
    await call(o, 'registerSource', { caseId: 'EF-WARM', district: '解放区', source: source(0) });

    const baseline = await measure(
      'raw insertOne per command',
      3 * n,
      async () => {
        for (let i = 0; i < 3 * n; i++) await rawDb.collection('commands').insertOne({ _id: `c-${i}` as never, i, at: new Date() });
      },
      async () => true,
    );
    const grpc = await measure(
      'gRPC: RegisterSource, RecordInvestigation, FileCase',
      3 * n,
      async () => {
        for (let i = 0; i < n; i++) {
          const caseId = `EF-G-${i}`;
          await call(o, 'registerSource', { caseId, district: '解放区', source: source(i) });
          await call(o, 'recordInvestigation', { caseId, commandId: `act-${i}`, ...act });
          await call(l, 'fileCase', { caseId, cause: '店外经营', flags: [] });
        }
      },
      caughtUp(`EF-G-${n - 1}`),
    );
    const cases = svc.cases;
    const actor = (p: Principal) => ({ subject: p.subject, department: p.department, roles: [...p.roles] });
    const app = await measure(
      'application layer (EnforcementCases.execute), same commands',
      3 * n,
      async () => {
        for (let i = 0; i < n; i++) {
          const id = `EF-A-${i}`;
          const c = (type: string, p: Principal, data: object) =>
            cases.execute(id, ({ caseId, at }) => ({ type, actor: actor(p), data: { caseId, ...data, at } }) as never, { actor: actor(p) });
          await c('RegisterSource', officer, { squadId: SQUAD, district: '解放区', source: source(i), party: null });
          await c('RecordInvestigation', officer, { actId: `act-${i}`, ...act });
          await c('FileCase', leader, { cause: '店外经营', flags: [] });
        }
      },
      caughtUp(`EF-A-${n - 1}`),
    );
    out.push(
      `### ${n} cases × 3 commands, one at a time (round trips: command path + projector + relay, until the read models caught up)`,
      '| run | commands | commands/s | ratio to baseline | DB round trips per command |',
      '|---|---|---|---|---|',
      ...[baseline, grpc, app].map(
        (r, i) =>
          `| ${r.name}${i === 0 ? ' (baseline)' : ''} | ${r.items} | ${rate(r).toFixed(0)} | ${(rate(r) / rate(baseline)).toFixed(2)}× | ${(r.ops / r.items).toFixed(2)} |`,
      ),
      '',
    );
  } finally {
    o.close();
    l.close();
    await svc.stop();
    await raw
      .db(dbName)
      .dropDatabase()
      .catch(() => undefined);
    await rawDb.dropDatabase().catch(() => undefined);
    await raw.close();
  }
  return out.join('\n');
}
