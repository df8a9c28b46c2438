// Seeds a realistic day of urban-management work through the public APIs only (no database access):
// reports from every channel — field inspectors and camera operators (gRPC), citizens (Open311),
// the 12345 hotline and IoT sensors (HTTP) — across the five districts; the supervision centre's
// filing decisions for citizens' and hotline reports (some not filed, with a reason); and the
// units' handling: signing, feedback, failed checks and rework, returns and re-dispatch,
// extensions, leaving some cases open.
//
// How overdue cases come about (honestly): nothing here waits for real deadlines. The seed leaves
// some cases open; afterwards the start script restarts dispatch with its clock moved ahead
// (`CLOCK_OFFSET_MINUTES`, a demo/test knob), and the durable deadline scan marks and supervises
// every open case whose working-time deadline has passed on that clock.
import { ReportStatus, RejectionReason } from '@yiwang/proto/yiwang/intake/v1/intake_service';
import { VerificationOutcome } from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { signToken } from '@yiwang/platform';
import { cellCentre, shippedUnitGrid } from '@yiwang/intake';
import { caseIdForReport } from '@yiwang/dispatch';
import { PEOPLE, dispatchAs, intakeAs, pool, settledOverdueCaseIds, unitPrincipal, until, type DemoEndpoints } from './demo-clients';

type Channel = 'inspector' | 'camera' | 'citizen' | 'hotline' | 'sensor';

// What people see and say, per category code (descriptions as they come in, in Chinese).
const PROBLEMS: Record<string, { channels: readonly Channel[]; say: readonly string[] }> = {
  'event.01.02': {
    channels: ['inspector', 'camera', 'citizen', 'hotline'],
    say: ['路边有暴露垃圾无人清理', '小区门口垃圾堆放, 气味很大', '垃圾桶周边散落垃圾', '绿化带里被倾倒生活垃圾'],
  },
  'event.01.03': { channels: ['inspector', 'citizen'], say: ['空地上积存建筑垃圾渣土', '拆迁后渣土长期未清运'] },
  'event.01.04': { channels: ['inspector', 'camera'], say: ['道路不洁, 有大量落叶和纸屑', '路面油污未清理', '机动车道有泥土带出'] },
  'event.01.07': { channels: ['inspector', 'hotline'], say: ['有人在路边焚烧树叶', '夜间焚烧垃圾, 烟很大'] },
  'event.01.08': { channels: ['hotline', 'sensor'], say: ['饭店油烟直排, 住户无法开窗', '油烟在线监测超标报警'] },
  'event.02.01': { channels: ['inspector', 'citizen'], say: ['电线杆上有非法小广告', '楼道墙面张贴办证小广告'] },
  'event.02.03': { channels: ['inspector', 'camera'], say: ['商户在人行道上摆放广告牌', '占道立式广告牌挡住盲道'] },
  'event.03.01': { channels: ['inspector', 'camera', 'hotline'], say: ['工地扬尘严重, 未覆盖', '渣土未苫盖, 刮风时尘土飞扬'] },
  'event.03.02': { channels: ['hotline', 'citizen'], say: ['工地夜间施工噪声扰民', '凌晨还在打桩, 影响休息'] },
  'event.03.05': { channels: ['camera', 'inspector'], say: ['渣土车沿路撒漏', '运输车辆未密闭, 路面撒落泥土'] },
  'event.04.03': { channels: ['sensor', 'hotline'], say: ['燃气浓度监测报警', '闻到明显燃气味'] },
  'event.04.05': { channels: ['sensor', 'hotline', 'inspector'], say: ['下穿通道水位监测报警', '道路积水, 车辆无法通行'] },
  'event.05.01': { channels: ['inspector', 'camera', 'citizen'], say: ['游商占道经营', '流动摊贩堵塞人行道', '学校门口有流动摊点'] },
  'event.05.02': { channels: ['inspector', 'camera', 'hotline'], say: ['店外经营, 商品摆到人行道上', '饭店门口占道摆桌'] },
  'event.05.03': { channels: ['camera', 'citizen', 'hotline'], say: ['机动车乱停放在人行道', '车辆堵塞消防通道', '小区出入口被车辆堵住'] },
  'event.05.04': { channels: ['inspector', 'camera'], say: ['共享单车乱停放, 占满人行道', '电动车堆放在盲道上'] },
  'event.05.07': { channels: ['citizen', 'hotline'], say: ['有人在公共车位私设地锁', '路边私装地桩占用车位'] },
  'event.06.01': { channels: ['hotline'], say: ['家里暖气温度只有15度, 不达标', '供热不热, 室温低于18度'] },
  'event.06.02': { channels: ['citizen', 'inspector'], say: ['一排路灯夜间不亮', '路灯白天常亮'] },
  'component.01.02': {
    channels: ['sensor', 'inspector', 'citizen'],
    say: ['智慧井盖倾斜报警', '污水井盖破损, 有安全隐患', '井盖松动有响声'],
  },
  'component.01.03': { channels: ['sensor', 'inspector'], say: ['智慧井盖位移报警', '雨水井盖缺失'] },
  'component.01.10': { channels: ['inspector', 'citizen'], say: ['路灯灯杆倾斜', '路灯灯罩脱落'] },
  'component.02.03': { channels: ['inspector', 'camera'], say: ['道路护栏被撞坏', '护栏倒伏未修复'] },
  'component.03.01': { channels: ['citizen', 'hotline'], say: ['公厕卫生差, 无人保洁', '公厕水龙头损坏'] },
  'component.03.03': { channels: ['inspector', 'citizen'], say: ['果皮箱破损', '果皮箱满溢未清运'] },
  'component.04.01': { channels: ['inspector', 'hotline'], say: ['行道树枯死', '树枝遮挡交通信号灯'] },
};

// Where each channel's share of the day comes from (out of 20): inspectors do most of the finding.
const CHANNEL_MIX: readonly Channel[] = [
  'inspector',
  'inspector',
  'inspector',
  'inspector',
  'inspector',
  'inspector',
  'inspector',
  'camera',
  'camera',
  'camera',
  'citizen',
  'citizen',
  'citizen',
  'citizen',
  'hotline',
  'hotline',
  'hotline',
  'hotline',
  'sensor',
  'sensor',
];
const SENSOR_DEVICES: Record<string, string> = {
  'event.01.08': 'fume',
  'event.04.03': 'gas',
  'event.04.05': 'water-level',
  'component.01.02': 'manhole',
  'component.01.03': 'manhole',
};
const REJECTIONS: ReadonlyArray<[RejectionReason, string]> = [
  [RejectionReason.REJECTION_REASON_OUT_OF_SCOPE, '不属于城市管理受理范围, 已告知来电人向物业反映'],
  [RejectionReason.REJECTION_REASON_PRIVATE_PROPERTY, '位于小区内部私人产权区域'],
  [RejectionReason.REJECTION_REASON_NOT_FOUND_ON_SITE, '采集员现场核实问题不存在'],
  [RejectionReason.REJECTION_REASON_INSUFFICIENT_INFORMATION, '描述不清, 无法确定问题'],
];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];

export interface DayStats {
  /** When the day was seeded (real time): the week the summary ranks. */
  seededAt: string;
  reports: number;
  byChannel: Record<Channel, number>;
  byDistrict: Record<string, number>;
  filed: number;
  rejected: number;
  merged: number;
  sensorRepeats: number;
  closed: number;
  rework: number;
  returned: number;
  extended: number;
  open: number;
  /** Cases left open at the end of the day (for the late handling after dispatch's clock moves on). */
  openCases: Array<{ caseId: string; unitId: string; signed: boolean }>;
  /** Of those, closed late the next days (see closeSomeLate). */
  closedLate: number;
}

interface Seeded {
  reportId: string;
  caseId: string | null;
}

const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length]!;

/** A small deterministic generator, so the same DEMO_REPORTS gives the same day. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function postJson(url: string, body: unknown, token: string | null): Promise<unknown> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`POST ${url} failed: ${r.status} ${await r.text()}`);
  return r.json();
}

export async function seedDay(ep: DemoEndpoints, total: number, log: (line: string) => void): Promise<DayStats> {
  const random = rng(20250303 + total);
  const cells = [...shippedUnitGrid().cells.values()];
  const inspector = await intakeAs(ep, PEOPLE.inspector);
  const camera = await intakeAs(ep, PEOPLE.camera);
  const supervision = await intakeAs(ep, PEOPLE.supervision);
  const hotlineToken = await signToken(
    { subject: 'agent.12345.zhou', department: 'hotline.12345', roles: ['hotline.agent'] },
    { secret: ep.secret },
  );
  const gatewayToken = await signToken(
    { subject: 'iot-gateway-01', department: 'iot.gateway', roles: ['sensor.gateway'] },
    { secret: ep.secret },
  );
  const seeded: Seeded[] = [];
  const stats: DayStats = {
    seededAt: new Date().toISOString(),
    reports: 0,
    byChannel: { inspector: 0, camera: 0, citizen: 0, hotline: 0, sensor: 0 },
    byDistrict: {},
    filed: 0,
    rejected: 0,
    merged: 0,
    sensorRepeats: 0,
    closed: 0,
    rework: 0,
    returned: 0,
    extended: 0,
    open: 0,
    openCases: [],
    closedLate: 0,
  };

  // The day's reports, planned up front: channel, then a category that channel reports, then a cell.
  const plan = Array.from({ length: total }, (_, i) => {
    const channel = pick(CHANNEL_MIX, Math.floor(random() * CHANNEL_MIX.length));
    const codes = Object.keys(PROBLEMS).filter((c) => PROBLEMS[c]!.channels.includes(channel));
    const code = pick(codes, Math.floor(random() * codes.length));
    // Cells in turn over all five districts (72 cells each), a random point inside the ~100 m cell.
    const cell = cells[(i * 37) % cells.length]!;
    const c = cellCentre(cell);
    const location = { lat: c.lat + (random() - 0.5) * 0.0008, lon: c.lon + (random() - 0.5) * 0.001 };
    return { i, channel, code, cell, location, description: pick(PROBLEMS[code]!.say, Math.floor(random() * 4)), roll: random() };
  });

  await pool(plan, 6, async (p) => {
    const { i, channel, code, location, description } = p;
    let reportId: string;
    let status: ReportStatus;
    const reporter = { name: `${pick(SURNAMES, i)}先生`, phone: `139${String(37_000_000 + i * 7919).slice(0, 8)}` };
    if (channel === 'inspector' || channel === 'camera') {
      const who = channel === 'camera' ? camera : inspector;
      const r = await who.call<{ report?: { reportId: string; status: ReportStatus } }>('submitReport', {
        categoryCode: code,
        location: { latitude: location.lat, longitude: location.lon },
        description: channel === 'camera' ? `视频巡查发现: ${description}` : description,
        photoRefs: [`photos/demo/${i}.jpg`],
        requestId: `demo-${i}`,
      });
      reportId = r.report!.reportId;
      status = r.report!.status;
    } else if (channel === 'sensor') {
      // Smart manhole covers, underpass water levels, gas and fume monitors report through the IoT gateway.
      const alarm = {
        deviceId: `${SENSOR_DEVICES[code] ?? 'sensor'}-${p.cell.id.slice(-6)}`,
        alarmId: `A${i}`,
        category: code,
        location,
        description,
      };
      const first = (await postJson(`${ep.intakeHttp}/v1/sensor-alarms`, { alarms: [alarm] }, gatewayToken)) as {
        results: Array<{ outcome: string; reportId?: string; status?: string; error?: { message: string } }>;
      };
      const res = first.results[0]!;
      if (res.outcome === 'rejected') throw new Error(`sensor alarm rejected: ${res.error?.message}`);
      // Gateways resend unacknowledged alarms; the same device + alarm id is recognised, not counted twice.
      if (i % 4 === 0) {
        const again = (await postJson(`${ep.intakeHttp}/v1/sensor-alarms`, { alarms: [alarm] }, gatewayToken)) as {
          results: Array<{ outcome: string }>;
        };
        if (again.results[0]?.outcome === 'duplicate') stats.sensorRepeats++;
      }
      reportId = res.reportId!;
      status =
        res.status === 'duplicate'
          ? ReportStatus.REPORT_STATUS_DUPLICATE
          : res.status === 'filed'
            ? ReportStatus.REPORT_STATUS_FILED
            : ReportStatus.REPORT_STATUS_AWAITING_FILING;
    } else {
      if (channel === 'citizen') {
        // A citizen's app speaking Open311 GeoReport v2, unchanged.
        const form = new URLSearchParams({
          service_code: code,
          lat: String(location.lat),
          long: String(location.lon),
          description,
          last_name: reporter.name.slice(0, 1),
          first_name: '先生',
          phone: reporter.phone,
          media_url: `https://photos.example/demo/${i}.jpg`,
        });
        const r = await fetch(`${ep.intakeHttp}/open311/v2/requests.json`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
        });
        if (!r.ok) throw new Error(`Open311 POST failed: ${r.status} ${await r.text()}`);
        reportId = ((await r.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
      } else {
        const r = (await postJson(
          `${ep.intakeHttp}/v1/hotline/reports`,
          { category: code, location, description: `12345来电: ${description}`, reporter },
          hotlineToken,
        )) as { reportId: string; status: string };
        reportId = r.reportId;
      }
      // The supervision centre checks it against the filing criteria (立案标准); about 1 in 9 is not filed.
      // (A report merged into an open case on arrival needs no decision: the calls below would refuse it.)
      const current = await supervision.call<{ report?: { status: ReportStatus } }>('getReport', { reportId });
      status = current.report?.status ?? ReportStatus.REPORT_STATUS_AWAITING_FILING;
      if (status === ReportStatus.REPORT_STATUS_AWAITING_FILING) {
        if (p.roll < 0.11) {
          const [reason, note] = pick(REJECTIONS, i);
          const r = await supervision.call<{ report?: { status: ReportStatus } }>('rejectReport', { reportId, reason, note });
          status = r.report?.status ?? ReportStatus.REPORT_STATUS_REJECTED;
        } else {
          const r = await supervision.call<{ report?: { status: ReportStatus } }>('fileReport', { reportId, note: '经核实属实, 予以立案' });
          status = r.report?.status ?? ReportStatus.REPORT_STATUS_FILED;
        }
      }
    }
    stats.reports++;
    stats.byChannel[channel]++;
    stats.byDistrict[p.cell.district] = (stats.byDistrict[p.cell.district] ?? 0) + 1;
    if (status === ReportStatus.REPORT_STATUS_REJECTED) stats.rejected++;
    else if (status === ReportStatus.REPORT_STATUS_DUPLICATE) stats.merged++;
    else if (status === ReportStatus.REPORT_STATUS_FILED) stats.filed++;
    seeded.push({ reportId, caseId: status === ReportStatus.REPORT_STATUS_FILED ? caseIdForReport(reportId) : null });
    if (stats.reports % 25 === 0 || stats.reports === total)
      log(
        `  ${stats.reports}/${total} reports in (${stats.filed} filed, ${stats.merged} merged as duplicates, ${stats.rejected} not filed)`,
      );
  });
  for (const c of [inspector, camera, supervision]) c.close();

  const centre = await dispatchAs(ep, PEOPLE.command);
  const checker = await dispatchAs(ep, PEOPLE.inspector);
  const cases = seeded.filter((s) => s.caseId !== null);
  log(`  handling ${cases.length} cases …`);
  let handled = 0;
  await pool(cases, 6, async (s, i) => {
    const caseId = s.caseId!;
    type Summary = { case?: { unitId: string; status: string; version: number } };
    const opened = await until(
      async () => {
        const r = await centre.call<Summary>('getCase', { caseId });
        return r.case?.status === 'dispatched' ? r.case : null;
      },
      90_000,
      `case ${caseId} dispatched`,
    );
    let unitId = opened.unitId;
    // About 1 in 25: the unit says it is not theirs (退回); the centre agrees and re-dispatches.
    if (i % 25 === 7) {
      const unit = await dispatchAs(ep, unitPrincipal(unitId));
      await unit.call('applyForReturn', { caseId, reasons: ['not_our_remit'], note: '该问题不属于本单位职责' });
      unit.close();
      await centre.call('decideReturn', { caseId, approve: true, note: '同意退回, 改派' });
      // Units are `dept.<type>.<district>`: hand it to the district's municipal works (or sanitation).
      const other = unitId.startsWith('dept.municipal.')
        ? unitId.replace('dept.municipal.', 'dept.sanitation.')
        : unitId.replace(/^dept\.[a-z-]+\./, 'dept.municipal.');
      await centre.call('redispatch', { caseId, unitId: other });
      stats.returned++;
      const r = await centre.call<Summary>('getCase', { caseId });
      unitId = r.case?.unitId ?? unitId;
    }
    // About 1 in 8 is still open at the end of the day (half of them not even signed for).
    if (i % 8 === 3) {
      const signed = i % 16 === 3;
      if (signed) {
        const unit = await dispatchAs(ep, unitPrincipal(unitId));
        await unit.call('signFor', { caseId });
        unit.close();
      }
      stats.open++;
      stats.openCases.push({ caseId, unitId, signed });
      return;
    }
    const unit = await dispatchAs(ep, unitPrincipal(unitId));
    try {
      await unit.call('signFor', { caseId });
      // About 1 in 20 needs more time (延期) and is granted three more days.
      if (i % 20 === 11) {
        const later = new Date(Date.now() + 3 * 86_400_000).toISOString();
        await unit.call('applyForExtension', { caseId, requestedDeadline: later, reason: '需协调相关部门联合处置' });
        await centre.call('decideExtension', { caseId, approve: true, approvedDeadline: later, note: '同意延期' });
        stats.extended++;
      }
      await unit.call('reportHandling', { caseId, notes: '已处置完毕, 现场已恢复', photoRefs: [`after/${caseId}.jpg`] });
      // About 1 in 20 fails the on-site check (返工) and is handled again.
      if (i % 20 === 6) {
        await checker.call('verify', { caseId, outcome: VerificationOutcome.VERIFICATION_OUTCOME_FAILED, notes: '现场仍未整改到位' });
        await unit.call('reportHandling', { caseId, notes: '返工后已整改', photoRefs: [`rework/${caseId}.jpg`] });
        stats.rework++;
      }
      await checker.call('verify', { caseId, outcome: VerificationOutcome.VERIFICATION_OUTCOME_PASSED, notes: '核查通过' });
      stats.closed++;
    } finally {
      unit.close();
    }
    handled++;
    if (handled % 25 === 0) log(`  ${handled} cases closed`);
  });
  centre.close();
  checker.close();
  return stats;
}

/**
 * Run after dispatch's clock has moved past the deadlines: the units finally deal with half of the
 * cases left open — signed, handled, checked and closed, but late — so on-time closure differs
 * from closure in the tables, as it does in any real week.
 */
export async function closeSomeLate(ep: DemoEndpoints, stats: DayStats, log: (line: string) => void): Promise<DayStats> {
  const centre = await dispatchAs(ep, PEOPLE.command);
  const checker = await dispatchAs(ep, PEOPLE.inspector);
  // Only cases whose deadline has passed on dispatch's clock (a 5-working-day case may not have).
  const overdue = await settledOverdueCaseIds(centre, 120_000);
  const late = stats.openCases.filter((c) => overdue.has(c.caseId)).filter((_, i) => i % 2 === 0);
  log(`  the units catch up late on ${late.length} of the ${overdue.size} overdue cases …`);
  await pool(late, 4, async (c) => {
    const unit = await dispatchAs(ep, unitPrincipal(c.unitId));
    try {
      if (!c.signed) await unit.call('signFor', { caseId: c.caseId });
      await unit.call('reportHandling', { caseId: c.caseId, notes: '超期后处置完毕', photoRefs: [`late/${c.caseId}.jpg`] });
      await checker.call('verify', { caseId: c.caseId, outcome: VerificationOutcome.VERIFICATION_OUTCOME_PASSED, notes: '核查通过(超期)' });
    } finally {
      unit.close();
    }
  });
  centre.close();
  checker.close();
  const closedIds = new Set(late.map((c) => c.caseId));
  return {
    ...stats,
    closed: stats.closed + late.length,
    closedLate: late.length,
    open: stats.open - late.length,
    openCases: stats.openCases.filter((c) => !closedIds.has(c.caseId)),
  };
}
