import { rateOf, type IndicatorDefinition, type IndicatorValue, type Tally } from './indicator-formulas';

/**
 * A ranking table (排名表) as the bureau publishes it, e.g. the county table of gas-safety devices:
 * per unit / district, the rate, its rank, and the change since the previous period (环比).
 */
export type RankingInput = Readonly<{ key: string; name: string; tally: Tally }>;
/** What a table needs of an indicator: its id, names and which way ranks run. */
export type RankedIndicator = Pick<IndicatorDefinition, 'id' | 'name' | 'better'>;
export type RankingRow = Readonly<{
  key: string;
  name: string;
  numerator: number;
  denominator: number;
  rate: number | null;
  /** 1-based, ties share a rank and the next rank skips (1, 1, 3); null when there is no rate. */
  rank: number | null;
  previousRate: number | null;
  /** rate − previous rate, as a fraction (×100 = percentage points). */
  change: number | null;
  previousRank: number | null;
}>;
export type RankingTable = Readonly<{ indicator: RankedIndicator; rows: readonly RankingRow[]; total: IndicatorValue }>;

/**
 * Ranks are compared at the displayed precision (default 0.01 %, i.e. 4 decimals of the
 * fraction): two rows shown as 100.00 % share first place, as in the published tables.
 */
function ranks(
  entries: readonly { key: string; rate: number | null }[],
  better: 'higher' | 'lower',
  decimals: number,
): Map<string, number> {
  const factor = 10 ** decimals;
  const rounded = (r: number) => Math.round(r * factor);
  const ranked = entries.filter((e): e is { key: string; rate: number } => e.rate !== null);
  const result = new Map<string, number>();
  for (const e of ranked) {
    const ahead = ranked.filter((o) =>
      better === 'higher' ? rounded(o.rate) > rounded(e.rate) : rounded(o.rate) < rounded(e.rate),
    ).length;
    result.set(e.key, ahead + 1);
  }
  return result;
}

/**
 * `total` is the tally of the whole period's population when the caller knows it (it may hold
 * rows no ranked key owns, e.g. reports for a table per unit); otherwise the sum of the rows.
 */
export function buildRankingTable(
  indicator: RankedIndicator,
  current: readonly RankingInput[],
  previous: readonly RankingInput[] = [],
  options: Readonly<{ total?: Tally; decimals?: number }> = {},
): RankingTable {
  const decimals = options.decimals ?? 4;
  const now = current.map((row) => ({ ...row, ...rateOf(row.tally) }));
  const before = new Map(previous.map((row) => [row.key, rateOf(row.tally).rate]));
  const rankNow = ranks(now, indicator.better, decimals);
  const rankBefore = ranks(
    [...before].map(([key, rate]) => ({ key, rate })),
    indicator.better,
    decimals,
  );
  const rows: RankingRow[] = now.map((r) => {
    const previousRate = before.get(r.key) ?? null;
    return {
      key: r.key,
      name: r.name,
      numerator: r.numerator,
      denominator: r.denominator,
      rate: r.rate,
      rank: rankNow.get(r.key) ?? null,
      previousRate,
      change: r.rate !== null && previousRate !== null ? r.rate - previousRate : null,
      previousRank: rankBefore.get(r.key) ?? null,
    };
  });
  // Ranked rows first by rank, then by name for a stable order; rows without a rate last.
  rows.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.name.localeCompare(b.name, 'zh'));
  const sum = current.reduce(
    (acc, r) => ({ numerator: acc.numerator + r.tally.numerator, denominator: acc.denominator + r.tally.denominator }),
    { numerator: 0, denominator: 0 },
  );
  return { indicator, rows, total: rateOf(options.total ?? sum) };
}

/** `35.50%`: the way the published tables print rates. */
export const formatRate = (rate: number | null, decimals = 2): string => (rate === null ? '—' : `${(rate * 100).toFixed(decimals)}%`);
