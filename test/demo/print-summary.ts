// Prints what the demo day produced, read back through dispatch's gRPC API: the ranking tables
// (rate, rank, change since last week) per unit and per district, and the totals.
import { toShanghaiIso } from '@yiwang/working-time';
import {
  Dimension,
  type GetIndicatorsResponse,
  type GetRankingResponse,
  type RankingRow,
} from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { PEOPLE, dispatchAs, settledOverdueCaseIds, type DemoEndpoints } from './demo-clients';
import { type DayStats } from './seed-day';

const width = (s: string): number => [...s].reduce((n, ch) => n + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
const pad = (s: string, n: number): string => s + ' '.repeat(Math.max(0, n - width(s)));

function table(r: GetRankingResponse, title: string): string {
  // Units with nothing due this week have no rate; the published tables leave them out too.
  const rows = [...r.rows].filter((x) => x.denominator > 0).sort((a, b) => (a.rank ?? 999) - (b.rank ?? 999));
  const change = (x: RankingRow) => (x.change === undefined ? '—' : `${x.change >= 0 ? '+' : ''}${(x.change * 100).toFixed(2)} pt`);
  const lines = rows.map(
    (x) =>
      `${pad(x.name || x.key, 30)} ${String(x.numerator).padStart(5)} / ${String(x.denominator).padEnd(5)} ${pad(x.rateText || '—', 9)} ${String(x.rank ?? '—').padStart(4)}   ${change(x)}`,
  );
  const t = r.total;
  return [
    `${title} — ${r.indicatorNameZh} (${r.indicatorId}), week of ${toShanghaiIso(Date.parse(r.weekStart)).slice(0, 10)} (Asia/Shanghai)`,
    `${pad('', 30)}   num / den   rate      rank   change`,
    ...lines,
    t ? `${pad('合计 total', 30)} ${String(t.numerator).padStart(5)} / ${String(t.denominator).padEnd(5)} ${t.rateText}` : '',
    ...(rows.every((x) => x.change === undefined)
      ? ['(change: — because this fresh demo database has no previous week to compare with)']
      : []),
  ].join('\n');
}

async function main(): Promise<void> {
  const ep: DemoEndpoints = {
    intakeGrpc: '',
    intakeHttp: '',
    dispatchGrpc: process.env.DEMO_DISPATCH_GRPC!,
    secret: process.env.AUTH_JWT_SECRET!,
  };
  const stats = JSON.parse(process.env.DEMO_STATS ?? '{}') as Partial<DayStats>;
  const centre = await dispatchAs(ep, PEOPLE.command);
  // Read models follow the log asynchronously (and FerretDB is slow), so wait until the indicators
  // have seen every closure the seed made, then until the deadline scan has marked the open cases.
  // The seeded week, not the week of dispatch's (moved-ahead) clock. A week's table counts what
  // had happened by its end, so the closures are awaited over a period running to dispatch's now.
  const seededWeek = String(stats.seededAt ?? '');
  const weekStartOf = async (weekOf?: string): Promise<string> => {
    for (let attempt = 1; ; attempt++) {
      const r = await centre
        .call<GetRankingResponse>('getRanking', {
          indicatorId: 'closureRate',
          dimension: Dimension.DIMENSION_DISTRICT,
          ...(weekOf ? { weekOf } : {}),
        })
        .catch((e: unknown) => {
          if (attempt >= 30) throw e;
          return null;
        });
      if (r) return r.weekStart;
      await new Promise((done) => setTimeout(done, 2000));
    }
  };
  const seededWeekStart = await weekStartOf(seededWeek);
  const untilNow = { from: seededWeekStart, to: new Date(Date.parse(seededWeekStart) + 14 * 86_400_000).toISOString() };
  const closedSeen = async (): Promise<number> => {
    const r = await centre
      .call<GetIndicatorsResponse>('getIndicators', { dimension: Dimension.DIMENSION_DISTRICT, ...untilNow })
      .catch(() => null);
    return r?.total.find((v) => v.id === 'closureRate')?.numerator ?? 0;
  };
  const started = Date.now();
  let closed = await closedSeen();
  while (closed < (stats.closed ?? 0) && Date.now() - started < 300_000) {
    await new Promise((r) => setTimeout(r, 2000));
    closed = await closedSeen();
  }
  // One population: the seed's cases still open. Of them, those on the overdue lists and the rest;
  // overdue cases the seed did not leave open (another demo step's) are named apart.
  const open = (stats.openCases ?? []).map((c) => c.caseId);
  const overdueIds = open.length > 0 ? await settledOverdueCaseIds(centre, 120_000) : new Set<string>();
  const overdueOpen = open.filter((id) => overdueIds.has(id));
  const otherOverdue = [...overdueIds].filter((id) => !open.includes(id)).sort();
  if (closed !== (stats.closed ?? 0))
    console.log(`(read models disagree with the seed: ${closed} closures counted, the seed made ${stats.closed})`);
  for (const [dimension, title] of [
    [Dimension.DIMENSION_UNIT, '按处置单位 by unit'],
    [Dimension.DIMENSION_DISTRICT, '按区 by district'],
  ] as const) {
    for (const indicatorId of ['closureRate', 'onTimeClosureRate']) {
      const r = await centre.call<GetRankingResponse>('getRanking', { indicatorId, dimension, weekOf: seededWeek });
      console.log(`\n${table(r, title)}`);
    }
  }
  // On dispatch's clock (three days on) the seeded week may have ended before the late closures.
  if ((stats.closedLate ?? 0) > 0 && (await weekStartOf()) !== seededWeekStart) {
    console.log(
      `\n(the ${stats.closedLate} late closures came after the week of ${toShanghaiIso(Date.parse(seededWeekStart)).slice(0, 10)} ended on dispatch's clock: its tables count them as due and not closed, as they stood at its end)`,
    );
  }
  const channels = Object.entries(stats.byChannel ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const districts = Object.entries(stats.byDistrict ?? {})
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  console.log(`
Totals of the day
  reports   ${stats.reports}  (${channels})
  districts ${districts}
  filed     ${stats.filed}; merged as duplicates ${stats.merged}; not filed ${stats.rejected}; repeated sensor alarms absorbed ${stats.sensorRepeats}
  closed    ${stats.closed}  (${stats.closedLate ?? 0} of them late, after dispatch's clock moved on; rework after a failed check: ${stats.rework})
  returned and re-dispatched ${stats.returned}; extended ${stats.extended}
  still open ${open.length} (the seed's cases never handled) = overdue ${overdueOpen.length} (past their working-time deadline on dispatch's clock, three days on) + not marked overdue ${open.length - overdueOpen.length} (longer deadlines)`);
  if (otherOverdue.length > 0)
    console.log(`  also on the overdue lists, not left open by the seed: ${otherOverdue.length} (${otherOverdue.join(', ')})`);
  if (open.length > 0 && overdueIds.size === 0)
    console.log('  (no overdue marks seen yet: the deadline scan runs every 2 s; ask again with ListCases overdue_only)');
  centre.close();
}

main().catch((e: unknown) => {
  console.error(`summary failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
