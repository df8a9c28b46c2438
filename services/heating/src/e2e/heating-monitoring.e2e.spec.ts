// Monitoring on the real database and broker, on a test clock: a finding whose process died before
// it opened its complaint opens it on restart, exactly once; a device silent past the city's
// offline limit is marked offline (also when the service restarted meanwhile) and online again
// when it reports.
import { CommandHandler, TestClock, type RecordedEvent } from '@yiwang/kernel-core';
import { MongoEventStore } from '@yiwang/kernel-mongodb';
import { pointDecider, pointStreamId, type PointEvent } from '../domain';
import { MONITORING_ACTOR } from '../application/readings-ingest';
import { findingReaction } from '../application/finding-reaction';
import { startHeatingService, type HeatingService } from '../service';
import { people, testEnvironment, token, until } from '../heating.test-helpers';

let env: Awaited<ReturnType<typeof testEnvironment>>;
let heating: HeatingService | null = null;
const clock = new TestClock('2026-12-01T09:00:00+08:00');
const HOUR = 3_600_000;

beforeAll(async () => {
  env = await testEnvironment(__filename);
}, 90_000);
afterAll(async () => {
  await heating?.stop();
  await env?.t.close();
});

const typesOf = async (store: MongoEventStore, streamId: string) => (await store.readStream(streamId)).events.map((e) => e.type);

it('a finding recorded by a process that died before opening its complaint gets exactly one complaint after restart', async () => {
  // The first step as the ingest takes it, with no service running afterwards: the finding is in the log, no complaint.
  const store = new MongoEventStore(env.t.db, { serviceName: 'heating' });
  await store.init();
  const points = new CommandHandler(store, pointDecider, {
    fromRecorded: (e: RecordedEvent) => (e.type.startsWith('heating.point.') ? ({ type: e.type, data: e.data } as PointEvent) : null),
    toNew: (e: PointEvent) => ({ type: e.type, data: e.data }),
  });
  const at = clock.now().getTime();
  const raised = await points.handle(
    pointStreamId('jz-jianshe-mp5'),
    {
      type: 'RaiseFinding',
      actor: MONITORING_ACTOR,
      data: {
        pointId: 'jz-jianshe-mp5',
        householdId: 'jz-jianshe:mp-1-5',
        companyId: 'dept.heating.zhongzhou',
        belowSince: new Date(at - 3 * HOUR).toISOString(),
        lowestDeci: 163,
        at: new Date(at).toISOString(),
      },
    },
    { commandId: `raise:jz-jianshe-mp5:${at - 3 * HOUR}`, metadata: { actor: MONITORING_ACTOR, correlationId: 'crash-drill' } },
  );
  const complaintStream = `heating-complaint-${raised.state.open!.complaintId}`;
  expect(await typesOf(store, complaintStream)).toEqual([]);

  heating = await startHeatingService(env.config, { clock });
  await until(async () => (await typesOf(heating!.store, complaintStream)).length > 0, 20_000, 'the complaint of the finding');
  await heating.stop();
  heating = await startHeatingService(env.config, { clock });
  // The reaction met again (a replay, or a crash before its checkpoint was saved) opens nothing more.
  const [finding] = (await heating.store.readStream(pointStreamId('jz-jianshe-mp5'))).events;
  await findingReaction(heating.complaints).apply(finding!, null as never);
  expect(await typesOf(heating.store, complaintStream)).toEqual(['heating.complaint.received.v1']);
  const received = (await heating.store.readStream(complaintStream)).events[0]!;
  expect(received.data).toMatchObject({ channel: 'monitoring', householdId: 'jz-jianshe:mp-1-5', companyId: 'dept.heating.zhongzhou' });
  // The weekly ranking counts it for its company (read model written per log batch).
  const ranking = await until(
    async () => {
      const res = await fetch(`${heating!.httpAddress}/v1/rankings/weekly?week=2026-12-01`, {
        headers: { authorization: `Bearer ${await token(people.office)}` },
      });
      const body = (await res.json()) as { week: string; rows: Array<{ companyId: string; complaints: number; rank: number }> };
      return body.rows?.find((r) => r.companyId === 'dept.heating.zhongzhou' && r.complaints === 1) ? body : null;
    },
    20_000,
    'the weekly ranking',
  );
  expect(ranking.week).toBe('2026-11-30');
  expect(ranking.rows.map((r) => r.rank)).toEqual(ranking.rows.map((_, i) => i + 1));
  expect(ranking.rows.at(-1)).toMatchObject({ companyId: 'dept.heating.zhongzhou' }); // the only company with a complaint
  await heating.stop();
  heating = null;
}, 90_000);

it('a device silent past the offline limit → device_offline (across a restart); its next reading → device_online', async () => {
  heating = await startHeatingService(env.config, { clock });
  const start = clock.now().getTime() - HOUR;
  const readings = (pointId: string, fromMs: number, n: number) =>
    Array.from({ length: n }, (_, i) => ({ pointId, at: new Date(fromMs + i * 10 * 60_000).toISOString(), celsius: 19.2 }));
  // mp9 falls silent with the other points of its shard (marked side by side) and one of another shard.
  const shardOf = (id: string) => heating!.readings.shardOf(id);
  const others = Array.from({ length: 100 }, (_, i) => `jz-minzhu-mp${i + 1}`).filter(
    (id) => id !== 'jz-minzhu-mp9' && id !== 'jz-minzhu-mp10' && shardOf(id) === shardOf('jz-minzhu-mp9'),
  );
  const silent = [...others, 'jz-minzhu-mp20'];
  expect(others.length).toBeGreaterThan(0);
  expect(shardOf('jz-minzhu-mp20')).not.toBe(shardOf('jz-minzhu-mp9'));
  await heating.ingest.ingest([
    ...readings('jz-minzhu-mp9', start, 6),
    ...readings('jz-minzhu-mp10', start, 6),
    ...silent.flatMap((id) => readings(id, start, 6)),
  ]);
  const stream = pointStreamId('jz-minzhu-mp9');
  expect(await typesOf(heating.store, stream)).toEqual([]);

  // The service is down while the limit (2 h in jiaozuo) passes; mp10 keeps reporting.
  await heating.stop();
  clock.advance(2 * HOUR);
  heating = await startHeatingService(env.config, { clock });
  await heating.ingest.ingest(readings('jz-minzhu-mp10', clock.now().getTime() - 20 * 60_000, 2));
  expect(await typesOf(heating.store, stream)).toEqual([]); // silent for 1 h 10 min: not yet
  clock.advance(HOUR);
  const offline = await until(
    async () => {
      heating!.offline.wake();
      return (await heating!.store.readStream(stream)).events.find((e) => e.type === 'heating.point.device_offline.v1');
    },
    20_000,
    'device_offline',
  );
  expect(offline.data).toMatchObject({ pointId: 'jz-minzhu-mp9', companyId: 'dept.heating.zhongzhou', lastSeenAt: expect.any(String) });
  expect(Date.parse((offline.data as { lastSeenAt: string }).lastSeenAt)).toBe(start + 50 * 60_000);
  expect(await typesOf(heating.store, pointStreamId('jz-minzhu-mp10'))).toEqual([]);
  await until(
    async () => {
      heating!.offline.wake();
      const types = await Promise.all(silent.map((id) => typesOf(heating!.store, pointStreamId(id))));
      return types.every((t) => t.length === 1 && t[0] === 'heating.point.device_offline.v1');
    },
    20_000,
    'device_offline of every silent point',
  );

  await heating.ingest.ingest(readings('jz-minzhu-mp9', clock.now().getTime() - 60_000, 1));
  expect(await typesOf(heating.store, stream)).toEqual(['heating.point.device_offline.v1', 'heating.point.device_online.v1']);
  // Marked once: later scans find nothing more for it.
  await heating.offline.scanOnce();
  expect(await typesOf(heating.store, stream)).toHaveLength(2);
}, 90_000);
