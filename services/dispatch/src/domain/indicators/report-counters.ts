/**
 * The intake side of the indicators (立案率 = filed / received), as dispatch sees it: one row per
 * report, built from the intake events received on `yiwang.intake.events.v1`. A report is
 * attributed to the period (and week) it was received in, to the district of its cell (the filed
 * cell once filed) and to its category as received. Pure: the consumer stores the rows.
 */
export const INTAKE_REPORT_EVENTS = {
  received: 'intake.report.received.v1',
  filed: 'intake.report.filed.v1',
  rejected: 'intake.report.rejected.v1',
  duplicate: 'intake.report.marked_duplicate.v1',
} as const;
export const INTAKE_REPORT_EVENT_TYPES: readonly string[] = Object.values(INTAKE_REPORT_EVENTS);

export type ReportCounterName = 'received' | 'filed' | 'autoFiled' | 'rejected' | 'duplicate';

export type ReportCounterRow = Readonly<{
  reportId: string;
  district: string | null;
  category: string;
  receivedAt: string;
  /** The report stream's version last applied (redeliveries and replays change nothing). */
  version: number;
  /** As of the report's last event (what holds now). */
  counters: Readonly<Record<ReportCounterName, number>>;
  /**
   * When each decision was first recorded (ms, the intake event's own instant), so the counters
   * can be evaluated as of any moment (see {@link reportCountersAsOf}). Absent on rows written
   * before it was kept: those count as their `counters`.
   */
  since?: Readonly<{ received: number; filed?: number; autoFiled?: number; rejected?: number; duplicate?: number }>;
}>;

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});
const instant = (v: unknown): string => (v instanceof Date ? v.toISOString() : text(v));

/** When the report was received, for attributing it to a week; null for events that cannot start a row. */
export function receivedAtOf(type: string, data: unknown): string | null {
  const d = obj(data);
  if (type === INTAKE_REPORT_EVENTS.received) return instant(d['receivedAt']) || null;
  // A filing seen without its reception (e.g. the reception was published before this consumer
  // existed and has been compacted away): it counts as received when filed.
  if (type === INTAKE_REPORT_EVENTS.filed) return instant(d['filedAt']) || null;
  return null;
}

/**
 * The row after one intake event of the report (stream version `version`); `null` in, and an
 * event that cannot start a row, gives `null`. Events at or below the row's version are ignored.
 */
export function applyReportEvent(row: ReportCounterRow | null, type: string, data: unknown, version: number): ReportCounterRow | null {
  if (row && version <= row.version) return row;
  const d = obj(data);
  const cell = obj(d['cell']);
  const category = text(obj(d['category'])['code']);
  if (!row) {
    const receivedAt = receivedAtOf(type, data);
    if (receivedAt === null) return null;
    row = {
      reportId: text(d['reportId']),
      district: text(cell['district']) || null,
      category,
      receivedAt,
      version: 0,
      counters: { received: 1, filed: 0, autoFiled: 0, rejected: 0, duplicate: 0 },
      since: { received: Date.parse(receivedAt) },
    };
  }
  const c = { ...row.counters };
  const since: { received: number; filed?: number; autoFiled?: number; rejected?: number; duplicate?: number } = {
    ...(row.since ?? legacySince(row)),
  };
  // A decision counts from its own instant, never before the reception it decides.
  const at = (field: string) => Math.max(since.received, Date.parse(instant(d[field])) || since.received);
  let district = row.district;
  switch (type) {
    case INTAKE_REPORT_EVENTS.filed:
      c.filed = 1;
      c.autoFiled = text(d['by']) === 'rule' ? 1 : 0;
      c.rejected = 0;
      since.filed ??= at('filedAt');
      if (c.autoFiled) since.autoFiled ??= at('filedAt');
      else delete since.autoFiled;
      district = text(cell['district']) || district;
      break;
    case INTAKE_REPORT_EVENTS.rejected:
      c.rejected = c.filed ? 0 : 1;
      since.rejected ??= at('rejectedAt');
      break;
    case INTAKE_REPORT_EVENTS.duplicate:
      c.duplicate = 1;
      since.duplicate ??= at('markedAt');
      break;
    default:
      break;
  }
  return { ...row, district, category: row.category || category, version, counters: c, since };
}

/** A row written before decisions kept their instants: what it counts is taken to hold since reception. */
function legacySince(row: ReportCounterRow): NonNullable<ReportCounterRow['since']> {
  const received = Date.parse(row.receivedAt);
  const held = (Object.keys(row.counters) as ReportCounterName[]).filter((k) => row.counters[k] > 0);
  return Object.fromEntries([['received', received], ...held.map((k) => [k, received])]) as NonNullable<ReportCounterRow['since']>;
}

/**
 * The report's counters as of `asOfMs`: a decision counts once it was recorded by then; a filing
 * supersedes a rejection (a report filed after being turned down counts as filed, from then on).
 */
export function reportCountersAsOf(row: Pick<ReportCounterRow, 'counters' | 'since'>, asOfMs: number): Record<ReportCounterName, number> {
  const s = row.since;
  if (!s) return { ...row.counters };
  const by = (t: number | undefined) => (t !== undefined && t <= asOfMs ? 1 : 0);
  const filed = by(s.filed);
  return {
    received: by(s.received),
    filed,
    autoFiled: filed && by(s.autoFiled),
    rejected: filed ? 0 : by(s.rejected),
    duplicate: by(s.duplicate),
  };
}
