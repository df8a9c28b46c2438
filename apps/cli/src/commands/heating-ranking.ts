import { parseArgs } from 'node:util';
import type { LoggedEvent, ReadModels } from '@yiwang/kernel-core';
import {
  COMPLAINT_EVENT_TYPES,
  HEATING_MODELS,
  POINT_EVENT_TYPES,
  SHIPPED_CITIES,
  heatingViewsProjection,
  rankCompanies,
  seasonKey,
  shippedCityConfig,
  weekDocId,
  weekOf,
  type CompanyWeekDoc,
  type RankingRow,
} from '@yiwang/heating';
import { usage } from '../cli-error';
import { Progress } from '../progress';
import { MemoryReadModels } from '../rebuild/memory-read-models';
import { openSource } from '../source-options';
import { oneOf, parseTime } from '../values';
import { type CommandContext } from './command';

export const HEATING_RANKING_HELP = `yiwang heating-ranking — the weekly heating-company ranking (供热企业周排名) from a replay

Replays heating's log (or topic) through heating's own projection, in memory, and ranks the
companies of the week with heating's ranking rule: complaints per 10,000 households (fewest
first), then measured on time, then fixed on time; with the change against the week before.
The same rows as GET /v1/rankings/weekly of the live service.

  --week-of time              any moment of the week (default now; Monday 00:00 Shanghai + 7 days)
  --city name                 the city's companies and households (default jiaozuo; ${SHIPPED_CITIES.join(', ')})
  --format table|json         (default table)
  --source log|kafka, --address host:port, --token jwt, --kafka brokers, --topic name   where the events come from`;

const yuan = (cents: number): string => (cents / 100).toFixed(2);
const change = (c: number | null): string => (c === null ? '—' : c > 0 ? `↑${c}` : c < 0 ? `↓${-c}` : '=');

export function rankingTable(week: string, rows: readonly RankingRow[]): string {
  const head = [
    'rank',
    'change',
    'company',
    'households',
    'complaints',
    'per 10k',
    'measured on time %',
    'fixed on time %',
    'sub-std days',
    'refunds due ¥',
    'points ok %',
  ];
  const body = rows.map((r) => [
    String(r.rank),
    change(r.change),
    `${r.companyId} ${r.nameZh}`,
    String(r.households),
    String(r.complaints),
    r.complaintsPer10k.toFixed(2),
    r.measuredOnTimePercent.toFixed(1),
    r.fixedOnTimePercent.toFixed(1),
    String(r.substandardDays),
    yuan(r.refundsDueCents),
    r.pointsCompliantPercent.toFixed(1),
  ]);
  return [`week of ${week}`, ...[head, ...body].map((cells) => cells.join('\t'))].join('\n');
}

export async function heatingRanking(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'week-of': { type: 'string' },
      city: { type: 'string' },
      format: { type: 'string' },
      source: { type: 'string' },
      address: { type: 'string' },
      token: { type: 'string' },
      kafka: { type: 'string' },
      topic: { type: 'string' },
    },
  });
  const format = oneOf(values.format, ['table', 'json'] as const, 'format', 'table');
  const cityName = values.city ?? 'jiaozuo';
  if (!SHIPPED_CITIES.includes(cityName)) throw usage(`unknown city "${cityName}" (one of ${SHIPPED_CITIES.join(', ')})`);
  const city = shippedCityConfig(cityName);
  const at = values['week-of'] !== undefined ? parseTime(values['week-of'], 'week-of') : new Date();
  const week = weekOf(at.getTime());
  const previous = weekOf(at.getTime() - 7 * 86_400_000);
  // Everything up to the end of the week counts (a complaint received earlier and closed in it, too).
  const toTime = new Date(Date.parse(`${week}T00:00:00+08:00`) + 7 * 86_400_000);
  const source = openSource(
    { service: 'heating', source: values.source, address: values.address, token: values.token, kafka: values.kafka, topic: values.topic },
    ctx.env,
    { types: [...COMPLAINT_EVENT_TYPES, ...POINT_EVENT_TYPES], streamPrefix: '', toTime },
  );

  const models: ReadModels = new MemoryReadModels();
  const projection = heatingViewsProjection(seasonKey(city)) as {
    applyBatch(events: readonly LoggedEvent[], m: ReadModels): Promise<void>;
  };
  const progress = new Progress('heating-ranking: replaying', ctx.progress);
  let replayed = 0;
  for await (const chunk of source.chunks(ctx.signal)) {
    // Positions only guard "once per batch" in memory: the replay order numbers the batches.
    const events = chunk.events.map(({ event }) => ({ ...event, position: ++replayed }));
    if (events.length > 0) await projection.applyBatch(events, models);
    progress.update(replayed, chunk.done, chunk.total);
  }
  progress.finish();
  const weeks = models.model<CompanyWeekDoc>(HEATING_MODELS.weeks);
  const load = async (w: string) =>
    new Map(
      (await Promise.all(city.companies.map(async (c) => [c.id, await weeks.get(weekDocId(w, c.id))] as const))).flatMap(([id, d]) =>
        d ? [[id, d] as const] : [],
      ),
    );
  const rows = rankCompanies(city, await load(week), await load(previous));
  process.stdout.write(`${format === 'json' ? JSON.stringify({ week, city: city.city, replayed, rows }) : rankingTable(week, rows)}\n`);
  return 0;
}
