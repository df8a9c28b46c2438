// Seeds a realistic day of urban-management work through the public APIs only (no database access):
// reports from inspectors, camera operators and citizens across the five districts, the supervision
// centre's filing decisions, and the units' handling — signing, feedback, failed checks and rework,
// returns and re-dispatch, extensions — leaving some cases open. Overdue cases come afterwards:
// the start script restarts dispatch with its clock moved ahead (CLOCK_OFFSET_MINUTES), and the
// durable deadline scan marks and supervises every open case whose working-time deadline has passed.
import { ReportStatus } from '@yiwang/proto/yiwang/intake/v1/intake_service';
import { VerificationOutcome } from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { cellCentre, shippedUnitGrid } from '../../services/intake/src/domain';
import { caseIdForReport } from '../../services/dispatch/src/application/case-ids';
import { PEOPLE, dispatchAs, intakeAs, pool, unitPrincipal, until, type DemoEndpoints } from './demo-clients';

// Common problems and what people say about them (category code → descriptions).
const PROBLEMS: Record<string, string[]> = {
  'event.01.02': ['路边有暴露垃圾无人清理', '小区门口垃圾堆放', '垃圾桶周边散落垃圾'],
  'event.01.04': ['道路不洁, 有大量落叶和纸屑', '路面油污未清理'],
  'event.02.01': ['电线杆上有非法小广告', '墙面张贴小广告'],
  'event.05.01': ['游商占道经营', '流动摊贩堵塞人行道'],
  'event.05.02': ['店外经营, 商品摆到人行道上', '饭店门口占道摆桌'],
  'event.05.03': ['机动车乱停放在人行道', '车辆堵塞消防通道'],
  'component.01.02': ['污水井盖破损', '井盖松动有响声'],
  'component.01.10': ['路灯不亮', '一排路灯夜间熄灭'],
  'component.03.03': ['果皮箱破损', '果皮箱满溢'],
  'event.03.01': ['工地扬尘严重, 未覆盖', '渣土未苫盖'],
  'event.04.05': ['道路积水, 车辆无法通行', '下穿通道积水'],
};

interface Seeded {
  reportId: string;
  caseId: string | null;
  channel: string;
}

const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length]!;

export async function seedDay(ep: DemoEndpoints, total: number, log: (line: string) => void): Promise<{ reports: number; filed: number; rejected: number; merged: number; closed: number; rework: number; returned: number; extended: number; open: number }> {
  const cells = [...shippedUnitGrid().cells.values()];
  const codes = Object.keys(PROBLEMS);
  const inspector = await intakeAs(ep, PEOPLE.inspector);
  const camera = await intakeAs(ep, PEOPLE.camera);
  const supervision = await intakeAs(ep, PEOPLE.supervision);
  const seeded: Seeded[] = [];
  const stats = { reports: 0, filed: 0, rejected: 0, merged: 0, closed: 0, rework: 0, returned: 0, extended: 0, open: 0 };

  await pool(Array.from({ length: total }, (_, i) => i), 6, async (i) => {
    const code = pick(codes, i * 7 + (i >> 3));
    const cell = cells[(i * 37) % cells.length]!;
    const c = cellCentre(cell);
    // Spread within the ~100 m cell so only some reports are duplicates of each other.
    const location = { latitude: c.lat + (((i * 13) % 7) - 3) * 0.0001, longitude: c.lon + (((i * 17) % 7) - 3) * 0.0001 };
    const description = pick(PROBLEMS[code]!, i);
    let reportId: string;
    let status: ReportStatus;
    const channel = i % 5 === 0 ? 'citizen' : i % 5 === 1 ? 'camera' : 'inspector';
    if (channel === 'citizen') {
      const form = new URLSearchParams({ service_code: code, lat: String(location.latitude), long: String(location.longitude), description, first_name: '市民', phone: `1380000${String(i).padStart(4, '0')}` });
      const r = await fetch(`${ep.intakeHttp}/open311/v2/requests.json`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
      if (!r.ok) throw new Error(`Open311 POST failed: ${r.status} ${await r.text()}`);
      reportId = ((await r.json()) as Array<{ service_request_id: string }>)[0]!.service_request_id;
      // The supervision centre checks it against the filing criteria (立案标准); about 1 in 8 is not filed.
      if (i % 8 === 5) {
        await supervision.call('rejectReport', { reportId, reasonCode: 'out_of_scope', note: '不属于城市管理范围' }).catch(() => undefined);
        status = ReportStatus.REPORT_STATUS_REJECTED;
      } else {
        const filed = await supervision.call<{ report?: { status: ReportStatus } }>('fileReport', { reportId, note: '经核实属实' });
        status = filed.report?.status ?? ReportStatus.REPORT_STATUS_FILED;
      }
    } else {
      const who = channel === 'camera' ? camera : inspector;
      const r = await who.call<{ report?: { reportId: string; status: ReportStatus } }>('submitReport', { categoryCode: code, location, description, photoRefs: [`photos/${i}.jpg`], requestId: `demo-${i}` });
      reportId = r.report!.reportId;
      status = r.report!.status;
    }
    stats.reports++;
    if (status === ReportStatus.REPORT_STATUS_REJECTED) stats.rejected++;
    else if (status === ReportStatus.REPORT_STATUS_DUPLICATE) stats.merged++;
    else stats.filed++;
    seeded.push({ reportId, channel, caseId: status === ReportStatus.REPORT_STATUS_FILED ? caseIdForReport(reportId) : null });
    if (stats.reports % 25 === 0) log(`  ${stats.reports}/${total} reports in (${stats.filed} filed, ${stats.merged} merged, ${stats.rejected} not filed)`);
  });
  for (const c of [inspector, camera, supervision]) c.close();

  const centre = await dispatchAs(ep, PEOPLE.command);
  const checker = await dispatchAs(ep, PEOPLE.inspector);
  const cases = seeded.filter((s) => s.caseId !== null);
  log(`  handling ${cases.length} cases …`);
  let handled = 0;
  await pool(cases, 4, async (s, i) => {
    const caseId = s.caseId!;
    type Summary = { case?: { unitId: string; status: string; version: number } };
    const opened = await until(async () => {
      const r = await centre.call<Summary>('getCase', { caseId });
      return r.case?.status === 'dispatched' ? r.case : null;
    }, 60_000, `case ${caseId} dispatched`);
    let unitId = opened.unitId;
    // About 1 in 25: the unit says it is not theirs (退回); the centre agrees and re-dispatches.
    if (i % 25 === 7) {
      const unit = await dispatchAs(ep, unitPrincipal(unitId));
      await unit.call('applyForReturn', { caseId, reasons: ['not_our_remit'] });
      unit.close();
      await centre.call('decideReturn', { caseId, approve: true, note: '同意退回' });
      // Units are `dept.<type>.<district>`: hand it to the district's municipal works (or sanitation).
      const other = unitId.startsWith('dept.municipal.') ? unitId.replace('dept.municipal.', 'dept.sanitation.') : unitId.replace(/^dept\.[a-z-]+\./, 'dept.municipal.');
      await centre.call('redispatch', { caseId, unitId: other });
      stats.returned++;
      const r = await centre.call<Summary>('getCase', { caseId });
      unitId = r.case?.unitId ?? unitId;
    }
    // About 1 in 8 is still open at the end of the day (some not even signed for).
    if (i % 8 === 3) {
      if (i % 16 === 3) {
        const unit = await dispatchAs(ep, unitPrincipal(unitId));
        await unit.call('signFor', { caseId }).catch(() => undefined);
        unit.close();
      }
      stats.open++;
      return;
    }
    const unit = await dispatchAs(ep, unitPrincipal(unitId));
    try {
      await unit.call('signFor', { caseId });
      // About 1 in 20 needs more time (延期) and gets two more working days.
      if (i % 20 === 11) {
        const later = new Date(Date.now() + 3 * 86_400_000).toISOString();
        await unit.call('applyForExtension', { caseId, requestedDeadline: later, reason: '需协调相关部门' });
        await centre.call('decideExtension', { caseId, approve: true, approvedDeadline: later, note: '同意延期' });
        stats.extended++;
      }
      await unit.call('reportHandling', { caseId, notes: '已处置完毕', photoRefs: [`after/${caseId}.jpg`] });
      // About 1 in 14 fails the on-site check (返工) and is handled again.
      if (i % 14 === 6) {
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
    if (handled % 25 === 0) log(`  ${handled} cases handled`);
  });
  centre.close();
  checker.close();
  return stats;
}
