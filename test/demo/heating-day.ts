// Plays a week of the heating season through heating's public gRPC and HTTP APIs only: a week's
// 12345 complaints (350, DEMO_HEATING_COMPLAINTS) for households of the four Jiaozuo companies,
// lodged at the service's clock (so they fall in its current week), acknowledgements, on-site
// measurements (compliant, sub-standard with causes, disputed → third-party test), fixes,
// re-measurements with refunds and approvals; 2,000 monitoring points reporting hourly over the
// last 24 h in batches of 5,000 (some flats cold → findings); a few refusals at the edge. Returns
// the company table with refunds and the weekly company ranking (供热企业周排名).
import { callUnary, createGrpcClient } from '@yiwang/platform';
import * as api from '@yiwang/proto/yiwang/heating/v1/heating_service';

type Opts = {
  grpcAddress: string;
  httpBase?: string;
  token: (sub: string, dept: string, roles: string[]) => string;
  log: (line: string) => void;
};

const COMPANIES = [
  { id: 'dept.heating.zhongzhou', name: '中州热力', compounds: ['hongxing', 'jianshe', 'tanan', 'minzhu', 'renmin'] },
  { id: 'dept.heating.wanfang', name: '万方热电', compounds: ['shanyang', 'fengshou', 'longyuan', 'jiefang', 'xinhua'] },
  { id: 'dept.heating.jiyuan', name: '济源供热', compounds: ['huanghe', 'taihang', 'yuntai', 'wenchang', 'baihe'] },
  { id: 'dept.heating.xinyuan', name: '鑫源热力', compounds: ['nanhai', 'beiyuan', 'dongfang', 'xiyuan', 'zhongxin'] },
];
const SAY = ['家里暖气不热, 室温只有15度', '卧室温度一直达不到18度', '暖气片上热下凉', '整栋楼都不热', '客厅只有16度, 老人受不了'];
const CAUSES = ['network', 'heat_source', 'building_side', 'household_side'];
const MEASURE = { doorsClosedMinutes: 60, position: 'room_centre', heightCm: 100, photoRefs: ['demo/thermo.jpg'] };

/** A deterministic pseudo-random sequence, so the day plays the same every time. */
function rng(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

function heatingAs(opts: Opts, sub: string, dept: string, roles: string[]) {
  const client = createGrpcClient(api.HeatingServiceClient, opts.grpcAddress, {
    token: opts.token(sub, dept, roles),
    defaultDeadlineMs: 30_000,
  });
  const call = <Res = api.ComplaintCommandResponse>(method: keyof api.HeatingServiceClient & string, request: object): Promise<Res> => {
    const type = `${method.charAt(0).toUpperCase()}${method.slice(1)}Request`;
    const fns = (api as unknown as Record<string, { fromPartial(o: object): object }>)[type];
    const fn = (client[method] as unknown as (...a: unknown[]) => unknown).bind(client);
    return callUnary(fn as never, (fns ? fns.fromPartial(request) : request) as never) as Promise<Res>;
  };
  return { call, close: () => client.close() };
}

const rooms = (bedroom: number, living: number) => [
  { room: '主卧', roomType: 'bedroom', celsius: bedroom },
  { room: '客厅', roomType: 'living_room', celsius: living },
];
const yuan = (cents: number) => (cents / 100).toFixed(2);

export async function playHeatingDay(opts: Opts): Promise<string[]> {
  const random = rng(20261201);
  const hotline = heatingAs(opts, 'integration', 'system.integration', ['heating.intake']);
  const office = heatingAs(opts, 'li.na', 'heating.office', ['heating.supervision']);
  const lab = heatingAs(opts, 'qian.lab', 'lab.henan-metrology', ['heating.lab']);
  const companies = new Map(COMPANIES.map((c) => [c.id, heatingAs(opts, `duty.${c.id.split('.').pop()}`, c.id, [])]));
  const run = `${Date.now().toString(36)}`;
  const counts = { complaints: 0, compliant: 0, substandard: 0, disputed: 0, refunds: 0, open: 0, refused: 0 };
  try {
    const total = Number(process.env.DEMO_HEATING_COMPLAINTS ?? 350);
    for (let i = 0; i < total; i++) {
      const company = COMPANIES[i % COMPANIES.length]!;
      const compound = company.compounds[Math.floor(random() * company.compounds.length)]!;
      const householdId = `jz-${compound}:${1 + Math.floor(random() * 12)}-${1 + Math.floor(random() * 4)}-${100 * (1 + Math.floor(random() * 18)) + 1 + Math.floor(random() * 4)}`;
      const complaintId = `HC-${run}-${String(i + 1).padStart(3, '0')}`;
      await hotline.call('receiveComplaint', {
        complaintId,
        householdId,
        channel: 'hotline',
        description: SAY[i % SAY.length],
        contactName: `住户${i + 1}`,
        contactPhone: `1380000${String(i).padStart(4, '0')}`,
        address: householdId,
        externalRef: `12345-${run}-${i}`,
      });
      counts.complaints++;
      const c = companies.get(company.id)!;
      const roll = random();
      if (roll < 0.1) {
        counts.open++; // not yet visited: the measuring limit runs (overdue tomorrow if nobody comes)
        continue;
      }
      await c.call('acknowledge', { complaintId });
      if (roll < 0.45) {
        await c.call('recordMeasurement', {
          complaintId,
          rooms: rooms(18 + Math.round(random() * 30) / 10, 18.2),
          ...MEASURE,
          residentResponse: 'signed',
        });
        counts.compliant++;
        continue;
      }
      if (roll < 0.55) {
        // The resident disputes an 18.1 ℃ reading; the office orders a lab, whose reading overrides.
        await c.call('recordMeasurement', { complaintId, rooms: rooms(18.1, 18.3), ...MEASURE, residentResponse: 'disputed' });
        await office.call('orderThirdPartyMeasurement', { complaintId, labId: 'lab.henan-metrology', note: '居民对测温结果有异议' });
        await lab.call('recordMeasurement', {
          complaintId,
          rooms: rooms(17.2, 17.8),
          ...MEASURE,
          residentResponse: 'signed',
          cause: 'building_side',
        });
        counts.disputed++;
        continue; // sub-standard by the lab: the company must fix
      }
      const low = 12 + Math.round(random() * 59) / 10;
      await c.call('recordMeasurement', {
        complaintId,
        rooms: rooms(low, low + 0.8),
        ...MEASURE,
        residentResponse: 'signed',
        cause: CAUSES[Math.floor(random() * CAUSES.length)],
      });
      counts.substandard++;
      if (random() < 0.7) {
        await c.call('reportFix', { complaintId, notes: '管网排气、调整平衡阀' });
        const after = await c.call('recordMeasurement', { complaintId, rooms: rooms(18.6, 19.1), ...MEASURE, residentResponse: 'signed' });
        if (after.status === 'refund_pending') {
          await office.call('approveRefund', { complaintId, note: '按规定退费' });
          counts.refunds++;
        }
      }
    }
    // Edge cases: out-of-area household, temperature out of range, another company's complaint.
    for (const attempt of [
      () =>
        hotline.call('receiveComplaint', {
          complaintId: `HC-${run}-X1`,
          householdId: 'jz-nowhere:1-1-101',
          channel: 'hotline',
          description: '不热',
        }),
      () =>
        companies
          .get(COMPANIES[0]!.id)!
          .call('recordMeasurement', { complaintId: `HC-${run}-002`, rooms: rooms(80, 18), ...MEASURE, residentResponse: 'signed' }),
      () => companies.get(COMPANIES[1]!.id)!.call('acknowledge', { complaintId: `HC-${run}-001` }),
    ]) {
      await attempt().then(
        () => undefined,
        () => counts.refused++,
      );
    }
    const findings = opts.httpBase ? await playMonitoring(opts, random) : null;

    const lines = [
      `heating, a week: ${counts.complaints} complaints (12345) — ${counts.compliant} compliant, ${counts.substandard} sub-standard, ${counts.disputed} disputed → third-party test, ${counts.refunds} refunds approved, ${counts.open} awaiting measurement; ${counts.refused} refusals at the edge`,
    ];
    if (findings)
      lines.push(
        `heating monitoring, a day: ${findings.readings} hourly readings from ${findings.points} points in ${findings.batches} batches (${findings.perSecond} readings/s), ${findings.raised} findings raised → complaints for the companies`,
      );
    await new Promise((r) => setTimeout(r, 1_500)); // the projector writes the season documents
    lines.push('heating companies (供热企业)        complaints  measured on time  sub-standard  findings  refunds due (yuan)');
    for (const company of COMPANIES) {
      const s = await office.call<api.GetCompanySeasonResponse>('getCompanySeason', { companyId: company.id });
      const onTime = s.measured > 0 ? `${((100 * s.measuredOnTime) / s.measured).toFixed(0)}%` : '—';
      lines.push(
        `  ${company.name.padEnd(8, '　')} ${String(s.complaints).padStart(10)}  ${onTime.padStart(16)}  ${String(s.substandard).padStart(12)}  ${String(s.findings).padStart(8)}  ${yuan(s.refundsDueCents).padStart(18)}`,
      );
    }
    if (opts.httpBase) lines.push(...(await weeklyRanking(opts)));
    lines.forEach((l) => opts.log(l));
    return lines;
  } finally {
    for (const c of [hotline, office, lab, ...companies.values()]) c.close();
  }
}

/** The office's weekly ranking of the companies (this week, with the change against the last). */
async function weeklyRanking(opts: Opts): Promise<string[]> {
  const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const res = await fetch(`${opts.httpBase}/v1/rankings/weekly?week=${day}`, {
    headers: { authorization: `Bearer ${opts.token('li.na', 'heating.office', ['heating.supervision'])}` },
  });
  if (!res.ok) throw new Error(`weekly ranking refused: ${res.status} ${await res.text()}`);
  const { week, rows } = (await res.json()) as {
    week: string;
    rows: Array<{
      rank: number;
      change: number | null;
      nameZh: string;
      complaints: number;
      complaintsPer10k: number;
      measuredOnTimePercent: number;
      fixedOnTimePercent: number;
      substandardDays: number;
      refundsDueCents: number;
      pointsCompliantPercent: number;
    }>;
  };
  return [
    `heating weekly ranking (供热企业周排名), week of ${week}: rank  change  company  complaints  per 10k households  measured on time  fixed on time  sub-standard days  refunds due (yuan)  points compliant`,
    ...rows.map(
      (r) =>
        `  ${String(r.rank).padStart(2)}  ${(r.change === null ? '—' : r.change > 0 ? `↑${r.change}` : r.change < 0 ? `↓${-r.change}` : '=').padStart(3)}  ${r.nameZh.padEnd(6, '　')} ${String(r.complaints).padStart(5)}  ${r.complaintsPer10k.toFixed(2).padStart(8)}  ${`${r.measuredOnTimePercent.toFixed(1)}%`.padStart(7)}  ${`${r.fixedOnTimePercent.toFixed(1)}%`.padStart(7)}  ${String(r.substandardDays).padStart(4)}  ${yuan(r.refundsDueCents).padStart(10)}  ${`${r.pointsCompliantPercent.toFixed(1)}%`.padStart(7)}`,
    ),
  ];
}

/** 2,000 points × the last 24 h every hour (48,000 readings), in batches of 5,000; 1 in 50 flats runs cold. */
async function playMonitoring(
  opts: Opts,
  random: () => number,
): Promise<{ readings: number; points: number; raised: number; batches: number; perSecond: number }> {
  const token = opts.token('gw-demo', 'system.monitoring', ['heating.gateway']);
  const now = Date.now() - 60_000;
  const readings: Array<{ pointId: string; at: string; celsius: number }> = [];
  const points: string[] = [];
  for (const c of COMPANIES) for (const k of c.compounds) for (let n = 1; n <= 100; n++) points.push(`jz-${k}-mp${n}`);
  for (const pointId of points) {
    const cold = random() < 0.02;
    for (let i = 23; i >= 0; i--)
      readings.push({
        pointId,
        at: new Date(now - i * 60 * 60_000).toISOString(),
        celsius: cold ? 16 + Math.round(random() * 15) / 10 : 18.5 + Math.round(random() * 30) / 10,
      });
  }
  let raised = 0;
  let batches = 0;
  const started = Date.now();
  for (let i = 0; i < readings.length; i += 5000) {
    batches++;
    const res = await fetch(`${opts.httpBase}/v1/readings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ readings: readings.slice(i, i + 5000) }),
    });
    if (!res.ok) throw new Error(`readings batch refused: ${res.status} ${await res.text()}`);
    raised += ((await res.json()) as { findingsRaised: string[] }).findingsRaised.length;
  }
  const perSecond = Math.round(readings.length / Math.max(0.001, (Date.now() - started) / 1000));
  return { readings: readings.length, points: points.length, raised, batches, perSecond };
}
