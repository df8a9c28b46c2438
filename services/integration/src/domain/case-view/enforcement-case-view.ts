import shipped from '../../../data/enforcement-centre-map.json';
import { applyCaseChange, CENTRE_STATES, type CaseChange, type CaseView, type CentreState } from './case-view';

/**
 * How an enforcement case (执法办案) looks from the operations centre. The mapping is data
 * (`data/enforcement-centre-map.json`, checked at load); this fold only applies it. The case is one
 * the centre follows because the closed-loop case it came from is one: its first event arrives with
 * the report id and unit of that case (`reportId`, `unitId`, added by integration's consumer).
 */
export const ENFORCEMENT_CASE_PREFIX = 'enforcement.case.';

type Data = Readonly<Record<string, unknown>>;
export type EnforcementCentreRow = Readonly<{ state?: CentreState; deadline?: string; result?: string; overdue?: boolean }>;
export type EnforcementCentreMapping = Readonly<{
  events: Readonly<Record<string, EnforcementCentreRow>>;
  labels: Readonly<Record<string, Readonly<Record<string, string>>>>;
}>;

export function parseEnforcementCentreMapping(raw: { events?: unknown; labels?: unknown }): EnforcementCentreMapping {
  const events = (raw.events ?? {}) as Record<string, Record<string, unknown>>;
  for (const [type, row] of Object.entries(events)) {
    const where = `enforcement centre map: ${type}`;
    if (!type.startsWith(ENFORCEMENT_CASE_PREFIX)) throw new Error(`${where}: not an enforcement case event`);
    if (row.state !== undefined && !CENTRE_STATES.includes(row.state as CentreState))
      throw new Error(`${where}: state ${String(row.state)} is not one of the centre's (${CENTRE_STATES.join(', ')})`);
    for (const key of ['deadline', 'result'] as const)
      if (row[key] !== undefined && typeof row[key] !== 'string') throw new Error(`${where}: ${key} must be text`);
    if (row.overdue !== undefined && typeof row.overdue !== 'boolean') throw new Error(`${where}: overdue must be true or false`);
  }
  const labels = (raw.labels ?? {}) as Record<string, Record<string, string>>;
  return { events: events as Record<string, EnforcementCentreRow>, labels };
}

export const ENFORCEMENT_CENTRE_MAPPING = parseEnforcementCentreMapping(shipped);

const text = (d: Data, key: string): string => {
  const v = d[key];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
};

/** `{field}` → the event's field, through its labels when the mapping has them. */
function fill(template: string, d: Data, mapping: EnforcementCentreMapping): string {
  return template.replace(/\{(\w+)\}/g, (_, field: string) => {
    const value = text(d, field);
    return mapping.labels[field]?.[value] ?? value;
  });
}

/** The view after one more enforcement event; null until the case's first event. */
export function applyEnforcementChange(
  view: CaseView | null,
  change: CaseChange,
  mapping: EnforcementCentreMapping = ENFORCEMENT_CENTRE_MAPPING,
): CaseView | null {
  const d = change.data;
  const first = change.type === 'enforcement.case.source_registered.v1' || change.type === 'enforcement.case.decided_on_the_spot.v1';
  const base: CaseView | null =
    first && view === null
      ? {
          caseId: text(d, 'caseId'),
          reportId: text(d, 'reportId'),
          category: text((d.source ?? {}) as Data, 'category'),
          state: 'registered',
          unitId: text(d, 'unitId') || text(d, 'squadId') || null,
          deadline: null,
          result: '',
          overdue: false,
          signed: false,
        }
      : view;
  if (base === null) return null;
  const row = mapping.events[change.type];
  if (!row) return base;
  return {
    ...base,
    ...(row.state ? { state: row.state, signed: row.state === 'in_progress' || base.signed } : {}),
    ...(row.deadline !== undefined ? { deadline: row.deadline === '' ? null : text(d, row.deadline) || base.deadline } : {}),
    ...(row.result !== undefined ? { result: fill(row.result, d, mapping) } : {}),
    ...(row.overdue !== undefined ? { overdue: row.overdue } : {}),
  };
}

/** The centre's view after any event it follows: enforcement's by the table above, the rest as before. */
export function applyCentreChange(view: CaseView | null, change: CaseChange): CaseView | null {
  return change.type.startsWith(ENFORCEMENT_CASE_PREFIX) ? applyEnforcementChange(view, change) : applyCaseChange(view, change);
}
