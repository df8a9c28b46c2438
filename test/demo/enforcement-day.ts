// A month's worth of enforcement work (执法办案) played through the enforcement service's PUBLIC
// gRPC and HTTP APIs only: four squads take sources (own discovery, dispatch hand-overs of 私搭乱建
// and 占道经营, 12345 work orders), check, file or do not file, investigate with two officers and
// camera evidence from published sites, serve prior notices, hear statements, get legal review
// for large fines, decide, publish (双公示), serve and collect; on-the-spot fines at the caps;
// a revoked decision withdrawn; hearings asked and scheduled ≥ 7 working days ahead; and the
// refusals the law requires (one officer, a decision before notice, 201 yuan on the spot, an
// unpublished camera); an illegal structure ordered demolished and announced (公告); and the
// bureau's own ranking (GetIndicators) and a squad's list (ListCases). The service clock is real, so
// periods that have not run (5 days to state, appeal periods before a demand) stay open: those
// cases are left where the law has them wait.
import { callUnary, createGrpcClient } from '@yiwang/platform';
import * as api from '@yiwang/proto/yiwang/enforcement/v1/enforcement_service';

type Token = (sub: string, dept: string, roles: string[]) => string;
export interface EnforcementDayOptions {
  grpcAddress: string;
  httpBase?: string;
  token: Token;
  log: (line: string) => void;
}

const SQUADS = [
  { id: 'squad.jiefang.1', district: '解放区', camera: 'cam.jiefang.001' },
  { id: 'squad.shanyang.1', district: '山阳区', camera: 'cam.shanyang.001' },
  { id: 'squad.zhongzhan.1', district: '中站区', camera: 'cam.zhongzhan.001' },
  { id: 'squad.macun.1', district: '马村区', camera: 'cam.macun.001' },
] as const;
type Squad = (typeof SQUADS)[number];

const NAMES = ['王建国', '李秀英', '张伟', '刘洋', '陈静', '杨帆', '赵磊', '黄敏', '周强', '吴丽'];
const COMPANIES = ['焦作市宏达建筑有限公司', '焦作市顺发餐饮有限公司', '焦作市鑫源商贸有限公司'];
const CODES = ['91410800MA44ABCD1X', '91410800MA45BCDE2Y', '91410800MA46CDEF3W'];
const CASES = [
  {
    cause: '未取得建设工程规划许可证搭建彩钢房',
    category: 'event.01.01',
    grounds: '《城乡规划法》第六十四条',
    fineYuan: [3000, 8000, 12000],
  },
  { cause: '店外经营占用人行道', category: 'event.05.02', grounds: '《城市市容和环境卫生管理条例》第三十六条', fineYuan: [500, 1000] },
  { cause: '占道设置广告牌', category: 'event.02.03', grounds: '《城市市容和环境卫生管理条例》第三十六条', fineYuan: [800, 2000] },
  { cause: '工地扬尘未采取防尘措施', category: 'event.03.01', grounds: '《大气污染防治法》第一百一十五条', fineYuan: [10000, 30000] },
] as const;

function clientFor(opts: EnforcementDayOptions, sub: string, dept: string, roles: string[]) {
  const client = createGrpcClient(api.EnforcementServiceClient, opts.grpcAddress, {
    token: opts.token(sub, dept, roles),
    defaultDeadlineMs: 30_000,
  });
  const call = <Res = api.CaseCommandResponse>(method: keyof api.EnforcementServiceClient & string, request: object): Promise<Res> => {
    const type = `${method.charAt(0).toUpperCase()}${method.slice(1)}Request`;
    const fns = (api as unknown as Record<string, { fromPartial(o: object): object }>)[type];
    const fn = (client[method] as unknown as (...a: unknown[]) => unknown).bind(client);
    return callUnary(fn as never, (fns ? fns.fromPartial(request) : request) as never) as Promise<Res>;
  };
  return { call, close: () => client.close() };
}

const idCard = (i: number): string =>
  `41080${2 + (i % 3)}19${70 + (i % 25)}0${1 + (i % 9)}1${i % 10}${String(1000 + i).slice(-3)}${i % 10}`.slice(0, 18);
const refusedWith = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'accepted (unexpected)',
    (e: { details?: string }) => e.details ?? String(e),
  );

type Tally = {
  filed: number;
  notFiled: number;
  decided: number;
  onTheSpot: number;
  fineFen: number;
  collectedFen: number;
  published: number;
  hearings: number;
  closed: number;
};
const tally = (): Tally => ({
  filed: 0,
  notFiled: 0,
  decided: 0,
  onTheSpot: 0,
  fineFen: 0,
  collectedFen: 0,
  published: 0,
  hearings: 0,
  closed: 0,
});

/** Plays the day; returns summary lines (squad ranking, refusals, publication list). */
export async function playEnforcementDay(opts: EnforcementDayOptions): Promise<string[]> {
  const lines: string[] = [];
  const stats = new Map<string, Tally>(SQUADS.map((s) => [s.id, tally()]));
  const refusals: string[] = [];
  const reviewer = clientFor(opts, 'fa.zhi', 'bureau.legal', ['enforcement.legal-reviewer']);
  const head = clientFor(opts, 'zhou.ju', 'bureau.enforcement', ['enforcement.bureau-head']);
  const hearingOfficer = clientFor(opts, 'ting.zheng', 'bureau.legal', ['enforcement.hearing-officer']);
  let n = 0;

  async function ordinary(
    squad: Squad,
    officer: ReturnType<typeof clientFor>,
    leader: ReturnType<typeof clientFor>,
    i: number,
  ): Promise<void> {
    const t = stats.get(squad.id)!;
    const kind = CASES[i % CASES.length]!;
    const company = i % 4 === 3;
    const party = company
      ? {
          type: 'organisation',
          name: COMPANIES[i % 3]!,
          idNumber: CODES[i % 3]!,
          phone: '0391-2' + String(100000 + i).slice(-6),
          address: `${squad.district}工业路 ${i} 号`,
        }
      : {
          type: 'person',
          name: NAMES[i % NAMES.length]!,
          idNumber: idCard(i),
          phone: `138${String(10_000_000 + i * 7919).slice(-8)}`,
          address: `${squad.district}民主路 ${i} 号`,
        };
    const source =
      i % 3 === 0
        ? await officer.call('acceptDispatchHandover', {
            dispatchCaseId: `C-DEMO-${Date.now().toString(36)}-${i}`,
            district: squad.district,
            category: kind.category,
            description: kind.cause,
            location: `${squad.district}民主路`,
            party,
          })
        : await officer.call('registerSource', {
            district: squad.district,
            source: {
              kind: i % 3 === 1 ? 'own_discovery' : 'hotline_work_order',
              ref: i % 3 === 1 ? '' : `12345-${i}`,
              description: kind.cause,
              location: `${squad.district}建设路`,
              category: kind.category,
            },
            party,
          });
    const caseId = source.caseId;
    const officers = ['zhang.wei', 'liu.yang'];
    await officer.call('recordInvestigation', {
      caseId,
      kind: 'inspection',
      officers,
      notes: '现场检查并制作笔录',
      evidence: [
        { kind: 'inspection_record', description: '现场检查笔录', fileRefs: [`f/${caseId}/1.pdf`] },
        { kind: 'camera', description: '监控截图', fileRefs: [`v/${caseId}.mp4`], cameraSiteId: squad.camera },
      ],
    });
    if (i % 7 === 5) {
      await leader.call('decideNotToFile', { caseId, reason: '当事人已自行整改, 违法行为轻微并及时纠正 (Art 33)' });
      await officer.call('archiveCase', { caseId });
      t.notFiled++;
      return;
    }
    await leader.call('fileCase', { caseId, cause: kind.cause, flags: [] });
    t.filed++;
    const hearing = !company && i % 8 === 4;
    // A hearing needs a large fine (Art 63: 10,000 yuan for a person in the shipped thresholds).
    const fineFen = hearing ? 1_500_000 : kind.fineYuan[i % kind.fineYuan.length]! * 100;
    await officer.call('issuePriorNotice', { caseId, facts: kind.cause, grounds: kind.grounds, intended: { kinds: ['fine'], fineFen } });
    if (hearing) {
      // The party asks for a hearing: it is scheduled at least 7 working days ahead and waits.
      await officer.call('requestHearing', { caseId });
      const hearingAt = new Date(Date.now() + 14 * 86_400_000).toISOString();
      await hearingOfficer.call('scheduleHearing', { caseId, hearingAt, place: '局听证室' });
      t.hearings++;
      return;
    }
    await officer.call('recordStatement', { caseId, summary: '当事人对事实无异议, 请求从轻处罚, 放弃听证', waivesHearing: true });
    const decided = Math.round(fineFen * 0.8);
    if (decided >= (company ? 5_000_000 : 500_000))
      await reviewer.call('recordLegalReview', { caseId, outcome: 'approved', opinion: '事实清楚, 证据确凿, 适用依据正确' });
    await leader.call('decide', {
      caseId,
      outcome: 'penalty',
      penalty: { kinds: ['fine'], fineFen: decided },
      reasons: '当事人陈述申辩后认错态度良好, 从轻处罚',
    });
    t.decided++;
    t.fineFen += decided;
    await officer.call('publishDecision', { caseId });
    t.published++;
    await officer.call('serveDecision', { caseId, method: 'in_person' });
    if (i % 11 === 6) {
      await head.call('revokeDecision', { caseId, reason: '行政复议决定撤销' });
      await officer.call('withdrawPublication', { caseId });
      t.published--;
      await leader.call('closeCase', { caseId, result: '处罚决定被撤销, 公示已撤回' });
      t.closed++;
      return;
    }
    if (i % 2 === 0) {
      await officer.call('recordPayment', { caseId, amountFen: decided, receipt: `POS-${caseId.slice(-6)}` });
      t.collectedFen += decided;
      await leader.call('closeCase', { caseId, result: '罚款已缴纳' });
      await officer.call('archiveCase', { caseId });
      t.closed++;
    }
  }

  for (const squad of SQUADS) {
    const officer = clientFor(opts, `officer@${squad.id}`, squad.id, ['enforcement.officer']);
    const leader = clientFor(opts, `leader@${squad.id}`, squad.id, ['enforcement.approver']);
    const t = stats.get(squad.id)!;
    for (let k = 0; k < 8; k++) await ordinary(squad, officer, leader, n++);
    for (let k = 0; k < 3; k++) {
      const person = k !== 2;
      const fineFen = person ? (k === 0 ? 20_000 : 5_000) : 300_000;
      const party = person
        ? { type: 'person', name: NAMES[(n + k) % 10]!, idNumber: idCard(100 + n + k) }
        : { type: 'organisation', name: COMPANIES[k % 3]!, idNumber: CODES[k % 3]! };
      const r = await officer.call('decideOnTheSpot', {
        district: squad.district,
        source: { kind: 'own_discovery', description: '流动摊贩占道经营', location: `${squad.district}步行街` },
        party,
        penalty: { kinds: ['fine'], fineFen },
        officers: ['zhang.wei', 'liu.yang'],
        facts: '占道经营, 当场处罚',
      });
      await officer.call('recordPayment', { caseId: r.caseId, amountFen: fineFen, receipt: `SPOT-${r.caseId.slice(-6)}` });
      t.onTheSpot++;
      t.fineFen += fineFen;
      t.collectedFen += fineFen;
    }
    officer.close();
    leader.close();
  }

  // What the law refuses, said plainly by the service.
  const o = clientFor(opts, 'officer@squad.jiefang.1', 'squad.jiefang.1', ['enforcement.officer']);
  const l = clientFor(opts, 'leader@squad.jiefang.1', 'squad.jiefang.1', ['enforcement.approver']);
  const spot = {
    district: '解放区',
    source: { kind: 'own_discovery', description: '店外经营', location: '解放路' },
    party: { type: 'person', name: '赵六', idNumber: idCard(999) },
    officers: ['zhang.wei', 'liu.yang'],
    facts: '店外经营',
  };
  refusals.push(
    `201 元当场罚款: ${await refusedWith(o.call('decideOnTheSpot', { ...spot, penalty: { kinds: ['fine'], fineFen: 20_100 } }))}`,
  );
  const lead = await o.call('registerSource', {
    district: '解放区',
    source: { kind: 'own_discovery', description: '违法搭建', location: '解放路' },
    party: spot.party,
  });
  refusals.push(
    `一人调查: ${await refusedWith(o.call('recordInvestigation', { caseId: lead.caseId, kind: 'inspection', officers: ['zhang.wei'], notes: '检查', evidence: [] }))}`,
  );
  refusals.push(
    `未公布的监控点: ${await refusedWith(o.call('recordInvestigation', { caseId: lead.caseId, kind: 'video_review', officers: ['zhang.wei', 'liu.yang'], notes: '调取监控', evidence: [{ kind: 'camera', description: '截图', fileRefs: ['v/x.mp4'], cameraSiteId: 'cam.hidden.9' }] }))}`,
  );
  await o.call('recordInvestigation', {
    caseId: lead.caseId,
    kind: 'inspection',
    officers: ['zhang.wei', 'liu.yang'],
    notes: '检查',
    evidence: [],
  });
  await l.call('fileCase', { caseId: lead.caseId, cause: '违法搭建', flags: ['illegal_structure'] });
  refusals.push(
    `告知前作出处罚决定: ${await refusedWith(l.call('decide', { caseId: lead.caseId, outcome: 'penalty', penalty: { kinds: ['fine'], fineFen: 100_000 }, reasons: 'x' }))}`,
  );

  // The squad ranking: collection rate (collected / decided fines), then cases decided.
  const rows = [...stats.entries()]
    .map(([id, t]) => ({ id, t, rate: t.fineFen > 0 ? t.collectedFen / t.fineFen : 0 }))
    .sort((a, b) => b.rate - a.rate || b.t.decided - a.t.decided);
  lines.push('执法中队排名 (squad ranking by fines collected / decided):');
  lines.push('  名次  中队                 立案  不予立案  决定  简易  听证  结案  罚款决定(元)  已收缴(元)  收缴率');
  rows.forEach((r, i) =>
    lines.push(
      `  ${String(i + 1).padStart(2)}    ${r.id.padEnd(20)} ${String(r.t.filed).padStart(4)}  ${String(r.t.notFiled).padStart(8)}  ${String(r.t.decided).padStart(4)}  ${String(r.t.onTheSpot).padStart(4)}  ${String(r.t.hearings).padStart(4)}  ${String(r.t.closed).padStart(4)}  ${(r.t.fineFen / 100).toFixed(0).padStart(12)}  ${(r.t.collectedFen / 100).toFixed(0).padStart(10)}  ${(r.rate * 100).toFixed(1)}%`,
    ),
  );
  // An illegal structure (违法建设): ordered demolished, announced with the party's 15 days (Art 44).
  const structure = await o.call('registerSource', {
    district: '解放区',
    source: { kind: 'own_discovery', description: '屋顶违法搭建彩钢房', location: '解放区民主路 88 号' },
    party: { type: 'person', name: '孙立', idNumber: idCard(777) },
  });
  const sid = structure.caseId;
  await o.call('orderStopConstruction', { caseId: sid, order: '立即停止建设' });
  await o.call('recordInvestigation', { caseId: sid, kind: 'inspection', officers: ['zhang.wei', 'liu.yang'], notes: '现场勘验' });
  await l.call('fileCase', { caseId: sid, cause: '未取得建设工程规划许可证进行建设', flags: ['illegal_structure'] });
  const demolish = { kinds: ['order_demolition'] };
  await o.call('issuePriorNotice', { caseId: sid, facts: '违法搭建', grounds: '《城乡规划法》第六十四条', intended: demolish });
  await o.call('recordStatement', { caseId: sid, summary: '无异议, 放弃听证', waivesHearing: true });
  await reviewer.call('recordLegalReview', { caseId: sid, outcome: 'approved', opinion: '事实清楚' });
  await l.call('decide', { caseId: sid, outcome: 'penalty', penalty: demolish, reasons: '限期拆除' });
  await o.call('publishDecision', { caseId: sid });
  await o.call('serveDecision', { caseId: sid, method: 'in_person' });
  await l.call('announceDemolition', { caseId: sid, periodDays: 15, notice: '限期十五日内自行拆除' });
  refusals.push(`公告期内催告: ${await refusedWith(o.call('demandDemolition', { caseId: sid }))}`);
  refusals.push(`未催告即强制拆除: ${await refusedWith(l.call('decideForcedDemolition', { caseId: sid, reasons: '逾期不拆' }))}`);
  stats.get('squad.jiefang.1')!.decided++;
  stats.get('squad.jiefang.1')!.filed++;
  for (const c of [o, l, reviewer, head, hearingOfficer]) c.close();
  const total = [...stats.values()].reduce((a, t) => a + t.filed + t.notFiled + t.onTheSpot, 0) + 1;
  lines.push(
    `cases played: ${total} (incl. ${[...stats.values()].reduce((a, t) => a + t.onTheSpot, 0)} on the spot); refused as the law requires:`,
  );
  for (const r of refusals) lines.push(`  ${r}`);

  // The bureau's own table, as the service computes it (GetIndicators over its projector's tables).
  const bureau = clientFor(opts, 'zhou.ju', 'bureau.enforcement', ['enforcement.bureau-head']);
  const period = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
  const decidedHere = [...stats.values()].reduce((a, t) => a + t.decided + t.onTheSpot, 0);
  let table: api.GetIndicatorsResponse | undefined;
  for (let k = 0; k < 40; k++) {
    table = await bureau.call<api.GetIndicatorsResponse>('getIndicators', { period, scope: 'squad' });
    if (table.rows.reduce((a, r) => a + r.decided, 0) >= decidedHere) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const pct = (v: number) => (v < 0 ? '—' : `${(v * 100).toFixed(1)}%`);
  lines.push(`GetIndicators ${period} (squads, by collection rate; 环比 vs ${table?.previousPeriod ?? ''}):`);
  lines.push('  名次  中队                 案源  立案  决定  按期决定  平均办案天数  罚款决定(元)  已收缴(元)  收缴率  环比');
  for (const r of table?.rows ?? []) {
    const days = r.averageDaysToDecision < 0 ? '—' : r.averageDaysToDecision.toFixed(1);
    const change = r.previousRate < 0 || r.rate < 0 ? '—' : `${(r.change * 100).toFixed(1)} pp`;
    lines.push(
      `  ${String(r.rank || '—').padStart(2)}    ${r.key.padEnd(20)} ${String(r.sources).padStart(4)}  ${String(r.filed).padStart(4)}  ${String(r.decided).padStart(4)}  ${String(r.decidedOnTime).padStart(8)}  ${days.padStart(12)}  ${(r.finesDecidedFen / 100).toFixed(0).padStart(12)}  ${(r.finesCollectedFen / 100).toFixed(0).padStart(10)}  ${pct(r.rate).padStart(6)}  ${change}`,
    );
  }
  const waiting = await bureau.call<api.ListCasesResponse>('listCases', {
    squadId: 'squad.jiefang.1',
    status: 'awaiting_payment',
    pageSize: 200,
  });
  lines.push(`squad.jiefang.1 awaiting payment (ListCases): ${waiting.cases.length} cases`);
  for (const c of waiting.cases.slice(0, 3))
    lines.push(`  ${c.caseId}  ${c.nextDeadlineKind} due ${c.nextDeadline}${c.overdue ? ' (overdue)' : ''}`);
  bureau.close();
  if (opts.httpBase) {
    const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
    // The projector writes the public list after the commands; give it a moment.
    let list: Array<{ publicName: string; cause: string; penaltySummary: string; onTime: boolean }> = [];
    for (let k = 0; k < 40 && list.length < [...stats.values()].reduce((a, t) => a + t.published, 0); k++) {
      await new Promise((r) => setTimeout(r, 250));
      list = ((await (await fetch(`${opts.httpBase}/public/v1/penalty-decisions?month=${month}`)).json()) as { decisions: typeof list })
        .decisions;
    }
    lines.push(`双公示 ${month} (public, no token): ${list.length} decisions, ${list.filter((d) => d.onTime).length} on time`);
    for (const d of list.slice(0, 8)) lines.push(`  ${d.publicName.padEnd(14)} ${d.cause.padEnd(20)} ${d.penaltySummary}`);
  }
  for (const line of lines) opts.log(line);
  return lines;
}
