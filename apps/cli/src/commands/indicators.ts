import { parseArgs } from 'node:util';
import { GetIndicatorsResponse, GetRankingResponse } from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import {
  INTAKE_REPORT_EVENT_TYPES,
  shippedIndicatorConfig,
  shippedResponsibilityMatrix,
  formatRate,
  IndicatorQueries,
  type Dimension,
  CASE_EVENT_TYPES,
  toIndicatorRow,
  toIndicatorValues,
  toRankingResponse,
  weekStartDay,
} from '@yiwang/dispatch';
import { dayStartMs } from '@yiwang/working-time';
import { usage } from '../cli-error';
import { ReplayedIndicatorRows } from '../indicators/replayed-indicator-rows';
import { Progress } from '../progress';
import { openSource } from '../source-options';
import { oneOf, parseTime } from '../values';
import { type CommandContext } from './command';

export const INDICATORS_HELP = `yiwang indicators — evaluation indicators and ranking tables computed from a replay

Replays dispatch's cases and intake's reports (the whole logs, or the topics) and evaluates them
with dispatch's own indicator formulas and ranking rules; the result equals what dispatch's live
read models answer (GetIndicators / GetRanking) for the same period.

  --dimension unit|district|category    (default unit)
  --from time --to time       the period (cases opened / reports received in it; default this week)
  --week-of time              the week holding this time (Monday 00:00 Shanghai + 7 days)
  --month YYYY-MM             a calendar month (Shanghai)
  --ranking indicatorId       a ranking table of one indicator for --week-of (e.g. onTimeClosureRate)
  --as-of time                now, for the replay (default the real now): a period is evaluated as of its
                              end, or as of this moment if it has not ended; every counter (due, closed,
                              on time …) from the events that had happened by then
  --format table|json         (default table; json = the GetIndicators/GetRanking JSON mapping)
  --source log|kafka, --token, --kafka brokers
  --dispatch-address, --intake-address   the services' gRPC (default YIWANG_<SERVICE>_GRPC or 127.0.0.1:5005x)
  --dispatch-topic, --intake-topic       the topics (default yiwang.<service>.events.v1)`;

const WEEK_MS = 7 * 86_400_000;

/** The replayed rows behind the query code dispatch itself runs, over an in-memory week source. */
function replayedQueries(rows: ReplayedIndicatorRows, asOf: Date): IndicatorQueries {
  const weeks = rows.caseWeeks();
  return new IndicatorQueries({
    clock: { now: () => asOf },
    matrix: shippedResponsibilityMatrix(),
    indicators: shippedIndicatorConfig(),
    weeks: async () => ({ get: async (id: string) => weeks.get(id) ?? null }),
    reportRows: async (days) => rows.reportRowsOfWeeks(days),
  });
}

function period(values: { from?: string; to?: string; 'week-of'?: string; month?: string }): { from?: string; to?: string } {
  const given = ['from', 'week-of', 'month'].filter((k) => values[k as 'from'] !== undefined);
  if (given.length > 1) throw usage(`--${given.join(' and --')} exclude each other`);
  if (values.month !== undefined) {
    const m = /^(\d{4})-(\d{2})$/.exec(values.month);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw usage(`bad value for --month: "${values.month}" (YYYY-MM)`);
    const from = parseTime(`${values.month}-01`, 'month');
    const next = Number(m[2]) === 12 ? `${Number(m[1]) + 1}-01-01` : `${m[1]}-${String(Number(m[2]) + 1).padStart(2, '0')}-01`;
    return { from: from.toISOString(), to: parseTime(next, 'month').toISOString() };
  }
  if (values['week-of'] !== undefined) {
    const at = parseTime(values['week-of'], 'week-of');
    const from = dayStartMs(weekStartDay(at.getTime()));
    return { from: new Date(from).toISOString(), to: new Date(from + WEEK_MS).toISOString() };
  }
  const from = values.from !== undefined ? parseTime(values.from, 'from').toISOString() : undefined;
  const to = values.to !== undefined ? parseTime(values.to, 'to').toISOString() : undefined;
  if (to !== undefined && from === undefined) throw usage('--to needs --from');
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

export async function indicators(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      dimension: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'week-of': { type: 'string' },
      month: { type: 'string' },
      ranking: { type: 'string' },
      'as-of': { type: 'string' },
      format: { type: 'string' },
      source: { type: 'string' },
      token: { type: 'string' },
      kafka: { type: 'string' },
      'dispatch-address': { type: 'string' },
      'intake-address': { type: 'string' },
      'dispatch-topic': { type: 'string' },
      'intake-topic': { type: 'string' },
    },
  });
  const dimension = oneOf(values.dimension, ['unit', 'district', 'category'] as const, 'dimension', 'unit') as Dimension;
  const format = oneOf(values.format, ['table', 'json'] as const, 'format', 'table');
  const asOf = values['as-of'] !== undefined ? parseTime(values['as-of'], 'as-of') : new Date();
  const range = period(values);
  if (values.ranking !== undefined && dimension === 'category') throw usage('rankings are per unit or district');
  const config = shippedIndicatorConfig();
  if (values.ranking !== undefined && !config.has(values.ranking))
    throw usage(`unknown indicator "${values.ranking}" (one of ${[...config.keys()].join(', ')})`);
  const common = { source: values.source, token: values.token, kafka: values.kafka };
  const cases = openSource(
    { ...common, service: 'dispatch', address: values['dispatch-address'], topic: values['dispatch-topic'] },
    ctx.env,
    { types: CASE_EVENT_TYPES, streamPrefix: 'case-' },
  );
  const reports = openSource({ ...common, service: 'intake', address: values['intake-address'], topic: values['intake-topic'] }, ctx.env, {
    types: INTAKE_REPORT_EVENT_TYPES,
    streamPrefix: '',
  });

  const rows = new ReplayedIndicatorRows();
  const progress = new Progress('indicators: replaying', ctx.progress);
  for await (const chunk of cases.chunks(ctx.signal)) {
    for (const r of chunk.events) rows.addCaseEvent(r.event);
    progress.update(chunk.events.length, chunk.done, chunk.total);
  }
  for await (const chunk of reports.chunks(ctx.signal)) {
    for (const r of chunk.events) rows.addReportEvent(r.event);
    progress.update(chunk.events.length, chunk.done, chunk.total);
  }
  progress.finish();
  if (ctx.signal.aborted) return 130;

  const queries = replayedQueries(rows, asOf);
  if (values.ranking !== undefined) {
    const weekOf = range.from;
    const { weekStart, table } = await queries.ranking(values.ranking, dimension as Exclude<Dimension, 'category'>, weekOf);
    const response = toRankingResponse(weekStart, table);
    if (format === 'json') process.stdout.write(`${JSON.stringify(GetRankingResponse.toJSON(response), null, 2)}\n`);
    else {
      const lines = [
        `${response.indicatorNameZh} (${response.indicatorId}), week of ${weekStart}, per ${dimension}`,
        'rank  rate      change    name',
      ];
      for (const r of response.rows)
        lines.push(
          `${String(r.rank ?? '—').padEnd(5)} ${r.rateText.padEnd(9)} ${r.change === undefined ? '—'.padEnd(9) : `${(r.change * 100).toFixed(2)}pp`.padEnd(9)} ${r.name}`,
        );
      lines.push(`total ${response.total?.rateText ?? '—'}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return 0;
  }
  const result = await queries.indicators(dimension, range.from, range.to);
  const response: GetIndicatorsResponse = {
    from: result.from,
    to: result.to,
    rows: result.rows.map((row) => toIndicatorRow(config, row)),
    total: toIndicatorValues(config, result.total),
  };
  if (format === 'json') process.stdout.write(`${JSON.stringify(GetIndicatorsResponse.toJSON(response), null, 2)}\n`);
  else {
    const ids = [...config.keys()];
    const lines = [
      `indicators per ${dimension}, cases opened ${result.from} – ${result.to} (${rows.caseCount} cases, ${rows.reportCount} reports replayed)`,
      ['key', ...ids].join('\t'),
    ];
    for (const row of result.rows) lines.push([row.name, ...ids.map((id) => formatRate(row.indicators[id]?.rate ?? null))].join('\t'));
    lines.push(['total', ...ids.map((id) => formatRate(result.total[id]?.rate ?? null))].join('\t'));
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return 0;
}
