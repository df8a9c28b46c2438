import { parseArgs } from 'node:util';
import type { LoggedEvent, ReadModels } from '@yiwang/kernel-core';
import {
  ENFORCEMENT_EVENT_TYPES,
  INDICATOR_SCOPES,
  RANK_BY,
  caseViewProjection,
  indicatorTable,
  periodsOf,
  type IndicatorTable,
} from '@yiwang/enforcement';
import { Progress } from '../progress';
import { MemoryReadModels } from '../rebuild/memory-read-models';
import { openSource } from '../source-options';
import { oneOf, parseTime } from '../values';
import { type CommandContext } from './command';

export const ENFORCEMENT_INDICATORS_HELP = `yiwang enforcement-indicators — the enforcement squads' (or districts') indicator table from a replay

Replays enforcement's log (or topic) through enforcement's own projection, in memory, and ranks
the period with enforcement's ranking rule, against the period before (环比): sources, filed, not
filed, decided (on time), average days to decision, on the spot, hearings, fines decided /
collected / surcharge, court applications, publication on time, demolitions. The same rows as
the live service's GetIndicators.

  --period YYYY-MM|YYYY-Www   a month or an ISO week (default this month, Shanghai)
  --at time                   the period holding this moment instead (with --week: its ISO week)
  --week                      with --at (or none): the ISO week instead of the month
  --scope squad|district      (default squad)
  --rank-by ${RANK_BY.join('|')}   (default collection_rate)
  --format table|json         (default table)
  --source log|kafka, --address host:port, --token jwt, --kafka brokers, --topic name   where the events come from`;

const pct = (r: number | null): string => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
const yuan = (fen: number): string => (fen / 100).toFixed(2);

export function indicatorsTable(t: IndicatorTable): string {
  const head = [
    'rank',
    'change',
    t.scope,
    'rate',
    'sources',
    'filed',
    'not filed',
    'decided',
    'on time',
    'avg days',
    'on the spot',
    'hearings',
    'fines ¥',
    'collected ¥',
    'surcharge ¥',
    'court',
    'published',
    'on time',
    'demolitions',
  ];
  const body = t.rows.map((r) => [
    String(r.rank ?? '—'),
    r.change === null ? '—' : r.change > 0 ? `↑${r.change}` : r.change < 0 ? `↓${-r.change}` : '=',
    r.key,
    pct(r.rate),
    String(r.sources),
    String(r.filed),
    String(r.notFiled),
    String(r.decided),
    String(r.decidedOnTime),
    r.averageDaysToDecision === null ? '—' : r.averageDaysToDecision.toFixed(1),
    String(r.onTheSpot),
    String(r.hearings),
    yuan(r.finesDecidedFen),
    yuan(r.finesCollectedFen),
    yuan(r.surchargeCollectedFen),
    String(r.courtApplications),
    String(r.published),
    String(r.publishedOnTime),
    String(r.demolitions),
  ]);
  return [
    `${t.period} (against ${t.previousPeriod}), per ${t.scope}, ranked by ${t.rankBy}`,
    ...[head, ...body].map((c) => c.join('\t')),
  ].join('\n');
}

export async function enforcementIndicators(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      period: { type: 'string' },
      at: { type: 'string' },
      week: { type: 'boolean' },
      scope: { type: 'string' },
      'rank-by': { type: 'string' },
      format: { type: 'string' },
      source: { type: 'string' },
      address: { type: 'string' },
      token: { type: 'string' },
      kafka: { type: 'string' },
      topic: { type: 'string' },
    },
  });
  const format = oneOf(values.format, ['table', 'json'] as const, 'format', 'table');
  const scope = oneOf(values.scope, INDICATOR_SCOPES, 'scope', 'squad');
  const rankBy = oneOf(values['rank-by'], RANK_BY, 'rank-by', 'collection_rate');
  const at = values.at !== undefined ? parseTime(values.at, 'at') : new Date();
  const periods = periodsOf(at);
  const period = values.period ?? (values.week ? periods.week : periods.month);
  const source = openSource(
    {
      service: 'enforcement',
      source: values.source,
      address: values.address,
      token: values.token,
      kafka: values.kafka,
      topic: values.topic,
    },
    ctx.env,
    { types: [...ENFORCEMENT_EVENT_TYPES], streamPrefix: 'enforcement-' },
  );

  const models: ReadModels = new MemoryReadModels();
  const projection = caseViewProjection as { applyBatch(events: readonly LoggedEvent[], m: ReadModels): Promise<void> };
  const progress = new Progress('enforcement-indicators: replaying', ctx.progress);
  let replayed = 0;
  for await (const chunk of source.chunks(ctx.signal)) {
    // Positions only guard "once per batch" in memory: the replay order numbers the batches.
    const events = chunk.events.map(({ event }) => ({ ...event, position: ++replayed }));
    if (events.length > 0) await projection.applyBatch(events, models);
    progress.update(replayed, chunk.done, chunk.total);
  }
  progress.finish();
  if (ctx.signal.aborted) return 130;
  const table = await indicatorTable(models, period, scope, rankBy);
  process.stdout.write(`${format === 'json' ? JSON.stringify({ ...table, replayed }) : indicatorsTable(table)}\n`);
  return 0;
}
