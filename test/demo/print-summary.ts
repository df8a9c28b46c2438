// Prints what the demo day produced, read back through dispatch's gRPC API: the ranking tables
// (rate, rank, change since last week) per unit and per district, and the totals.
import { Dimension, type GetIndicatorsResponse, type GetRankingResponse, type ListCasesResponse, type RankingRow } from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { PEOPLE, dispatchAs, type DemoEndpoints } from './demo-clients';

const width = (s: string): number => [...s].reduce((n, ch) => n + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
const pad = (s: string, n: number): string => s + ' '.repeat(Math.max(0, n - width(s)));

function table(r: GetRankingResponse, title: string): string {
  // Units with nothing due this week have no rate; the published tables leave them out too.
  const rows = [...r.rows].filter((x) => x.denominator > 0).sort((a, b) => (a.rank ?? 999) - (b.rank ?? 999));
  const change = (x: RankingRow) => (x.change === undefined ? '—' : `${x.change >= 0 ? '+' : ''}${(x.change * 100).toFixed(2)} pt`);
  const lines = rows.map((x) => `${pad(x.name || x.key, 30)} ${String(x.numerator).padStart(5)} / ${String(x.denominator).padEnd(5)} ${pad(x.rateText || '—', 9)} ${String(x.rank ?? '—').padStart(4)}   ${change(x)}`);
  const t = r.total;
  return [
    `${title} — ${r.indicatorNameZh} (${r.indicatorId}), week of ${new Date(Date.parse(r.weekStart) + 8 * 3_600_000).toISOString().slice(0, 10)} (Asia/Shanghai)`,
    `${pad('', 30)}   num / den   rate      rank   change`,
    ...lines,
    t ? `${pad('合计 total', 30)} ${String(t.numerator).padStart(5)} / ${String(t.denominator).padEnd(5)} ${t.rateText}` : '',
  ].join('\n');
}

async function main(): Promise<void> {
  const ep: DemoEndpoints = { intakeGrpc: '', intakeHttp: '', dispatchGrpc: process.env.DEMO_DISPATCH_GRPC!, secret: process.env.AUTH_JWT_SECRET! };
  const stats = JSON.parse(process.env.DEMO_STATS ?? '{}') as Record<string, number>;
  const centre = await dispatchAs(ep, PEOPLE.command);
  // Read models follow the log asynchronously (and FerretDB is slow), so wait until the indicators
  // have seen every closure the seed made, then until the deadline scan has marked the open cases.
  const closedSeen = async (): Promise<number> => {
    const r = await centre.call<GetIndicatorsResponse>('getIndicators', { dimension: Dimension.DIMENSION_DISTRICT }).catch(() => null);
    return r?.total.find((v) => v.id === 'closureRate')?.numerator ?? 0;
  };
  const started = Date.now();
  let closed = await closedSeen();
  while (closed < (stats.closed ?? 0) && Date.now() - started < 300_000) {
    await new Promise((r) => setTimeout(r, 2000));
    closed = await closedSeen();
  }
  let overdue = 0;
  for (let stable = 0; (stats.open ?? 0) > 0 && stable < 3 && Date.now() - started < 420_000; ) {
    const r = await centre.call<ListCasesResponse>('listCases', { unitId: '*', overdueOnly: true, pageSize: 200 }).catch(() => null);
    const n = r?.cases.length ?? 0;
    stable = n > 0 && n === overdue ? stable + 1 : 0;
    overdue = n;
    if (stable < 3) await new Promise((r2) => setTimeout(r2, 2000));
  }
  if (closed < (stats.closed ?? 0)) console.log(`(read models still catching up: ${closed} of ${stats.closed} closures seen so far)`);
  for (const [dimension, title] of [[Dimension.DIMENSION_UNIT, '按处置单位 by unit'], [Dimension.DIMENSION_DISTRICT, '按区 by district']] as const) {
    for (const indicatorId of ['closureRate', 'onTimeClosureRate']) {
      const r = await centre.call<GetRankingResponse>('getRanking', { indicatorId, dimension });
      console.log(`\n${table(r, title)}`);
    }
  }
  console.log(`\nThe day: ${stats.reports} reports, ${stats.filed} filed, ${stats.merged} merged as duplicates, ${stats.rejected} not filed; ` +
    `${stats.closed} closed (${stats.rework} after rework), ${stats.returned} returned and re-dispatched, ${stats.extended} extended, ${stats.open} left open; ` +
    `${overdue} overdue after the clock moved on (all units).`);
  centre.close();
}

main().catch((e: unknown) => {
  console.error(`summary failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
