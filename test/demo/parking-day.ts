// A day of parking enforcement (静态交通执法) through parking's public gRPC and HTTP APIs only:
// planners mark spaces (施划泊位, 潮汐车位); cameras of the published register send frames in
// bursts (only findings become violations); squads record violations on foot — most drivers are
// moved on (劝离), the absent get a windscreen notice (违停告知单), fire lanes are towed (free to
// the owner) — owners come forward and pay; ground locks, posts and barriers are surveyed and
// ordered removed (拔桩拆锁). Edge cases: an unpublished camera, malformed plates, a place outside
// the city, a fine above 200 yuan, another squad's record — each refused, nothing stored.
// Deadlines (notice → transfer, removal orders) run on the service's clock; nothing here waits.
import { status, type ServiceError } from '@grpc/grpc-js';
import { callUnary, createGrpcClient } from '@yiwang/platform';
import * as api from '@yiwang/proto/yiwang/parking/v1/parking_service';
import { pool, until } from './demo-clients';

type Opts = {
  grpcAddress: string;
  httpBase?: string;
  token: (sub: string, dept: string, roles: string[]) => string;
  log: (line: string) => void;
};

const DISTRICTS = [
  {
    name: '解放区',
    squad: 'dept.parking.jiefang',
    lat: [35.225, 35.265],
    lon: [113.185, 113.245],
    roads: ['人民路', '解放路', '民主路', '建设路'],
    cameras: ['CAM-JF-001', 'CAM-JF-002'],
  },
  {
    name: '山阳区',
    squad: 'dept.parking.shanyang',
    lat: [35.205, 35.265],
    lon: [113.255, 113.325],
    roads: ['塔南路', '丰收路', '山阳路'],
    cameras: ['CAM-SY-001', 'CAM-SY-002'],
  },
  {
    name: '中站区',
    squad: 'dept.parking.zhongzhan',
    lat: [35.225, 35.295],
    lon: [113.105, 113.175],
    roads: ['焦辉路', '站前路'],
    cameras: ['CAR-ZZ-01'],
  },
  {
    name: '马村区',
    squad: 'dept.parking.macun',
    lat: [35.225, 35.295],
    lon: [113.335, 113.445],
    roads: ['马村大道', '待王大街'],
    cameras: [],
  },
] as const;
const KINDS_ON_FOOT = [
  'pavement',
  'pavement',
  'pavement',
  'no_parking_zone',
  'no_parking_zone',
  'fire_lane',
  'blocking_entrance',
  'blocking_entrance',
] as const;
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

/** A small deterministic generator, so that two runs of the demo tell the same day. */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  return {
    next,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    between: (a: number, b: number) => a + next() * (b - a),
  };
}

export async function playParkingDay(opts: Opts): Promise<string[]> {
  const rnd = random(20260302);
  const run = Date.now().toString(36);
  const as = (sub: string, dept: string, roles: string[]) => {
    const client = createGrpcClient(api.ParkingServiceClient, opts.grpcAddress, {
      token: opts.token(sub, dept, roles),
      defaultDeadlineMs: 30_000,
    });
    const call = <Res>(method: keyof api.ParkingServiceClient & string, request: object): Promise<Res> => {
      const fns = (api as unknown as Record<string, { fromPartial(o: object): object }>)[
        `${method.charAt(0).toUpperCase()}${method.slice(1)}Request`
      ];
      return callUnary(
        (client[method] as unknown as (...a: never[]) => unknown).bind(client) as never,
        (fns ? fns.fromPartial(request) : request) as never,
      ) as Promise<Res>;
    };
    return { call, close: () => client.close() };
  };
  const refused = async (what: string, p: Promise<unknown>): Promise<string> => {
    try {
      await p;
      return `${what}: accepted (unexpected)`;
    } catch (e) {
      const err = e as ServiceError;
      return `${what}: ${status[err.code]} — ${err.details}`;
    }
  };
  const plate = (): string =>
    rnd.next() < 0.15
      ? `豫${rnd.pick(['H', 'J'])}${rnd.pick(['D', 'F'])}${String(Math.floor(rnd.next() * 1e5)).padStart(5, '0')}`
      : `豫${rnd.pick(['H', 'J', 'K'])}${rnd.pick([...LETTERS])}${String(Math.floor(rnd.next() * 1e4)).padStart(4, '0')}`;
  const place = (d: (typeof DISTRICTS)[number]) => ({
    lat: rnd.between(d.lat[0], d.lat[1]),
    lon: rnd.between(d.lon[0], d.lon[1]),
    road: rnd.pick(d.roads),
  });
  // The shipped fine table (services/parking/data/parking-rules.json): a notice without a fine takes it.
  const kindFine: Record<string, number> = { pavement: 100, no_parking_zone: 100, fire_lane: 200, blocking_entrance: 150 };
  const problems = new Set<string>();
  const counts = {
    otherRecords: 0,
    penalties: 0,
    camera: 0,
    merged: 0,
    onFoot: 0,
    movedOn: 0,
    notices: 0,
    towed: 0,
    paid: 0,
    priorNotices: 0,
    tidal: 0,
    surveyed: 0,
    removed: 0,
    artRefusals: 0,
  };
  const lines: string[] = [];

  // Planners: the space register.
  const planner = as('wu.fang', 'dept.parking.planning', ['parking.planner']);
  const spaces: string[] = [];
  for (const [i, d] of DISTRICTS.entries()) {
    const spaceId = `S-${run}-${i}`;
    await planner.call('markSpace', {
      spaceId,
      kind: 'tidal',
      location: place(d),
      bays: 20,
      windows: [
        { weekdays: [1, 2, 3, 4, 5], from: '19:00', to: '07:00' },
        { weekdays: [6, 7], from: '00:00', to: '23:59' },
      ],
    });
    await planner.call('markSpace', { spaceId: `${spaceId}-m`, kind: 'marked', location: place(d), bays: 12, maxMinutes: 120 });
    spaces.push(spaceId);
  }
  planner.close();

  // Cameras: bursts of frames; every finding is one violation.
  const camera = as('camera-ingest', 'system.parking', ['parking.camera']);
  const cameraViolations: Array<{ id: string; squad: string }> = [];
  for (let b = 0; b < 8; b++) {
    const sightings = [];
    while (sightings.length < 60) {
      const d = rnd.pick(DISTRICTS.filter((x) => x.cameras.length > 0));
      const cameraId = rnd.pick(d.cameras);
      const p = plate();
      const where = place(d);
      const observed = Date.now() - Math.floor(rnd.between(5, 600)) * 60_000;
      const frames = 1 + Math.floor(rnd.next() * 4);
      for (let f = 0; f < frames; f++) {
        sightings.push({
          cameraId,
          plate: p,
          vehicleType: p.length === 8 ? 'new_energy_small' : 'small_car',
          ...where,
          kind: 'no_parking_zone',
          observedAt: new Date(observed + f * 20_000).toISOString(),
          photoRef: `cam/${run}/${b}/${sightings.length}.jpg`,
        });
      }
    }
    const r = await camera.call<api.RecordCameraSightingsResponse>('recordCameraSightings', { batchId: `B-${run}-${b}`, sightings });
    counts.camera += r.violationIds.length;
    counts.merged += r.merged;
    for (const id of r.violationIds) cameraViolations.push({ id, squad: '' });
  }
  lines.push(
    await refused(
      'camera not yet published (CAM-MC-001)',
      camera.call('recordCameraSightings', {
        batchId: `B-${run}-x`,
        sightings: [
          {
            cameraId: 'CAM-MC-001',
            plate: '豫H12345',
            vehicleType: 'small_car',
            lat: 35.25,
            lon: 113.4,
            road: '马村大道',
            kind: 'no_parking_zone',
            observedAt: new Date().toISOString(),
            photoRef: 'cam/x.jpg',
          },
        ],
      }),
    ),
  );
  camera.close();

  // Squads on foot: moved on, refused, absent; fire lanes towed.
  const squads = new Map<string, ReturnType<typeof as>>(
    DISTRICTS.map((d) => [d.squad, as(`officer@${d.squad}`, d.squad, ['parking.officer'])]),
  );
  const onFoot = Array.from({ length: 110 }, (_, i) => ({
    i,
    d: rnd.pick(DISTRICTS),
    kind: rnd.pick(KINDS_ON_FOOT),
    driver: rnd.next(),
    plate: plate(),
  }));
  await pool(onFoot, 6, async ({ i, d, kind, driver, plate: p }) => {
    const officer = squads.get(d.squad)!;
    const r = await officer.call<api.CommandResponse>('recordViolation', {
      plate: p,
      vehicleType: 'small_car',
      ...place(d),
      kind,
      photoRefs: [`foot/${run}/${i}.jpg`],
      squad: d.squad,
    });
    counts.onFoot++;
    if (driver < 0.55) {
      await officer.call('warnDriver', { violationId: r.id, complied: true });
      counts.movedOn++;
      return;
    }
    if (driver < 0.65) await officer.call('warnDriver', { violationId: r.id, complied: false });
    await officer.call('issueNotice', { violationId: r.id, noticeNo: `${d.squad.split('.')[2]}-${run}-${i}` });
    counts.notices++;
    if (kind === 'fire_lane' || kind === 'blocking_entrance') {
      await officer.call('orderTowing', {
        violationId: r.id,
        depot: `${d.name}清障停车场`,
        reason: kind === 'fire_lane' ? '占用消防通道' : '堵塞单位出入口',
        ownerToldBy: 'windscreen',
      });
      counts.towed++;
    }
    if (driver > 0.9) {
      await officer.call('servePriorNotice', { violationId: r.id, noticeNo: `PN-${run}-${i}` });
      counts.priorNotices++;
    }
    if (driver > 0.8) {
      // The owner comes forward and pays at the window. Refusals are reported, not hidden: e.g. a
      // transfer date beyond the business calendar's years is refused rather than guessed.
      try {
        await officer.call<api.CommandResponse>('decidePenalty', { violationId: r.id, decisionNo: `D-${run}-${i}` });
        counts.penalties++;
        await officer.call('recordPayment', { violationId: r.id, amount: kindFine[kind] });
        counts.paid++;
      } catch (e) {
        const err = e as ServiceError;
        problems.add(`penalty/payment: ${status[err.code]} — ${err.details}`);
      }
    }
  });

  // Camera records reviewed by the squad (行政处罚法 Art 41 legal review): most get a postal notice.
  const systemReader = as('chen.jing', 'centre.parking', ['parking.plates']);
  await pool(cameraViolations, 6, async (v, i) => {
    const got = await until(
      async () => (await systemReader.call<api.GetViolationResponse>('getViolation', { violationId: v.id })).violation,
      20_000,
      `violation ${v.id}`,
    );
    if (i % 10 < 7) {
      await squads.get(got.squad)!.call('issueNotice', { violationId: v.id, noticeNo: `CAM-${run}-${i}` });
      counts.notices++;
    }
  });

  // Tidal spaces: a car in one outside its window is a violation, inside it is not.
  const jf = squads.get('dept.parking.jiefang')!;
  const tidal = await jf
    .call<api.CommandResponse>('recordViolation', {
      plate: plate(),
      vehicleType: 'small_car',
      lat: 35.245,
      lon: 113.21,
      road: '人民路',
      kind: 'tidal_outside_window',
      spaceId: spaces[0],
      photoRefs: ['tidal.jpg'],
      squad: 'dept.parking.jiefang',
    })
    .then(
      (r) => {
        counts.otherRecords++;
        return `tidal space ${spaces[0]}: violation ${r.id} (outside its window now)`;
      },
      (e: ServiceError) => `tidal space ${spaces[0]}: ${status[e.code]} — ${e.details}`,
    );
  lines.push(tidal);

  // Edge cases at the edge: each refused, nothing stored.
  const base = {
    plate: '豫H12345',
    vehicleType: 'small_car',
    lat: 35.245,
    lon: 113.21,
    road: '人民路',
    kind: 'pavement',
    photoRefs: ['x.jpg'],
    squad: 'dept.parking.jiefang',
  };
  lines.push(await refused('malformed plate 豫H1234', jf.call('recordViolation', { ...base, plate: '豫H1234' })));
  lines.push(await refused('new-energy plate with 9 characters', jf.call('recordViolation', { ...base, plate: '豫HD123456' })));
  lines.push(await refused('coordinates in Beijing', jf.call('recordViolation', { ...base, lat: 39.9, lon: 116.4 })));
  lines.push(await refused('unknown kind double_parking', jf.call('recordViolation', { ...base, kind: 'double_parking' })));
  const own = await jf.call<api.CommandResponse>('recordViolation', base);
  counts.otherRecords++;
  lines.push(await refused('fine of 201 yuan', jf.call('issueNotice', { violationId: own.id, noticeNo: 'N-201', fine: 201 })));
  lines.push(
    await refused(
      '山阳 squad serving 解放 squad’s record',
      squads.get('dept.parking.shanyang')!.call('issueNotice', { violationId: own.id, noticeNo: 'N-X' }),
    ),
  );
  await jf.call('closeViolation', { violationId: own.id, outcome: 'driver_left' });

  // 拔桩拆锁: locks, posts and barriers surveyed and ordered removed; owners remove some at once,
  // the squad clears the ones that block a road (never at night or on a holiday: Art 43).
  const obstructionKinds = [
    'ground_lock',
    'ground_lock',
    'ground_lock',
    'ground_lock',
    'ground_lock',
    'ground_lock',
    'ground_lock',
    'post',
    'post',
    'barrier',
  ];
  for (const [i, kind] of obstructionKinds.entries()) {
    const d = DISTRICTS[i % 2]!;
    const officer = squads.get(d.squad)!;
    const obstructionId = `O-${run}-${i}`;
    await officer.call('surveyObstruction', {
      obstructionId,
      kind,
      location: place(d),
      owner: i % 3 === 0 ? `业主${i} 139****${1000 + i}` : '',
      photoRefs: [`o/${run}/${i}.jpg`],
      squad: d.squad,
      campaign: '拔桩拆锁专项整治',
      blocksRoad: i >= 8,
    });
    counts.surveyed++;
    if (i >= 8) {
      await officer.call('removeImmediately', { obstructionId, reason: '阻断道路通行 (行政强制法 Art 52)', costYuan: 120 }).then(
        () => counts.removed++,
        (e: ServiceError) => {
          counts.artRefusals++;
          lines.push(`immediate removal of ${obstructionId}: ${status[e.code]} — ${e.details}`);
        },
      );
      continue;
    }
    await officer.call('orderRemoval', { obstructionId, orderNo: `Z-${run}-${i}` });
    if (i % 2 === 0) {
      await officer.call('recordRemoval', { obstructionId, by: 'owner' });
      counts.removed++;
    }
  }
  lines.push(
    await refused(
      '代履行 without a reminder',
      squads.get(DISTRICTS[1].squad)!.call('recordRemoval', { obstructionId: `O-${run}-1`, by: 'squad', costYuan: 80 }),
    ),
  );

  // The district table, once the read models have caught up.
  const expected = counts.camera + counts.onFoot + counts.otherRecords;
  const table = await until(
    async () => {
      const t = await jf.call<api.GetWeeklyTableResponse>('getWeeklyTable', { dimension: api.TableDimension.TABLE_DIMENSION_DISTRICT });
      const done = t.rows.reduce((n, r) => n + r.recorded, 0) >= expected && t.rows.reduce((n, r) => n + r.removals, 0) >= counts.removed;
      return done ? t : null;
    },
    120_000,
    'the weekly table',
  ).catch(() => null);
  // What a squad's app lists: its open notices by deadline and its hot spots (paged gRPC).
  const notices = await jf.call<api.ListOpenNoticesResponse>('listOpenNotices', { pageSize: 3 });
  const hot = await jf.call<api.ListHotSpotsResponse>('listHotSpots', { pageSize: 3 });
  const peak = (hours: readonly number[]) => hours.indexOf(Math.max(...hours));
  const squadLists = [
    `解放区 squad: ${notices.total} open notices, soonest ${notices.notices.map((n) => `${n.violationId} (${n.step}) by ${n.deadline}`).join(', ') || '—'}`,
    `解放区 squad: ${hot.total} cells with violations; hot spots ${hot.hotSpots.map((h) => `${h.cellId} ${h.total} (peak ${peak(h.hours)}:00)`).join(', ') || '—'}`,
    await refused(
      'another squad listing 解放区 hot spots',
      squads.get(DISTRICTS[1].squad)!.call('listHotSpots', { squad: 'dept.parking.jiefang' }),
    ),
  ];
  for (const c of [...squads.values(), systemReader]) c.close();

  const summary = [
    `parking: ${counts.camera} camera violations (${counts.merged} repeat findings merged), ${counts.onFoot} recorded on foot; ${counts.movedOn} moved on (劝离), ${counts.notices} notices (违停告知单), ${counts.towed} towed, ${counts.priorNotices} prior notices, ${counts.penalties} penalties decided, ${counts.paid} paid`,
    `parking: 拔桩拆锁 ${counts.surveyed} surveyed, ${counts.removed} removed${counts.artRefusals ? `, ${counts.artRefusals} immediate removals refused (night/holiday)` : ''}`,
    ...lines.map((l) => `parking: ${l}`),
    ...squadLists.map((l) => `parking: ${l}`),
    ...[...problems].map((p) => `parking: refused during the day: ${p}`),
  ];
  if (table) {
    summary.push(
      `parking: week of ${table.weekStart} — district | recorded | moved on | notices | penalties | paid | transferred | towed | removals | rank | change`,
    );
    for (const r of table.rows)
      summary.push(
        `parking:   ${r.key} | ${r.recorded} | ${r.movedOn} | ${r.notices} | ${r.penalties} | ${r.paid} | ${r.transferred} | ${r.towed} | ${r.removals} | ${r.rank} | ${r.change >= 0 ? '+' : ''}${r.change}`,
      );
  } else summary.push('parking: the weekly table did not catch up within two minutes');
  if (opts.httpBase) {
    const health = await fetch(`${opts.httpBase}/healthz`).then(
      (r) => r.status,
      () => 0,
    );
    summary.push(`parking: HTTP /healthz ${health}`);
  }
  for (const l of summary) opts.log(l);
  return summary;
}
