import { type Db } from 'mongodb';
import { ValidationError, type LoggedEvent } from '@yiwang/kernel-core';
import { MongoReadModels } from '@yiwang/kernel-mongodb';
import { CASE_PROGRESS_EVENT_TYPES, evolveCaseProgress, type CaseProgress, type CaseProgressEvent } from './case-progress';
import { type UnitDirectory } from './unit-directory';

export const CASE_PROGRESS_READ_MODEL = 'case_progress';

type CaseLink = { reportId: string };

/** Raised for an event of a case whose `opened` event never reached us (it was dead-lettered). */
export class UnknownCaseError extends Error {
  override readonly name = 'UnknownCaseError';
  constructor(readonly caseId: string) {
    super(`no report is linked to case ${caseId} (its dispatch.case.opened.v1 was not applied)`);
  }
}

const TYPES: ReadonlySet<string> = new Set(CASE_PROGRESS_EVENT_TYPES);

/**
 * Checks a decoded case event before it touches the read model: protobuf decodes a missing field
 * as '', which must not become a case or report id.
 */
export function toCaseProgressEvent(event: Pick<LoggedEvent, 'type' | 'data'>): CaseProgressEvent | null {
  if (!TYPES.has(event.type)) return null;
  const d = (event.data ?? {}) as Record<string, unknown>;
  const missing = (['caseId', ...(event.type === 'dispatch.case.opened.v1' ? ['reportId'] : [])] as const).filter(
    (k) => typeof d[k] !== 'string' || d[k] === '',
  );
  if (missing.length > 0)
    throw new ValidationError(
      `${event.type} without ${missing.join(', ')}`,
      missing.map((field) => ({ field, message: 'is required' })),
    );
  return { type: event.type, data: d } as unknown as CaseProgressEvent;
}

/**
 * The reporter's view of each report's case, in intake's database, fed by dispatch's events from
 * Kafka (not from intake's own log, so it is not a kernel `Projector`). Two collections, both
 * `_id` lookups only (FerretDB serves nothing else from an index):
 * - `by_report`: report id → {@link CaseProgress} (what Open311 and the token follow-up read);
 * - `by_case`: case id → report id, written from `dispatch.case.opened.v1`, because the later
 *   events name only the case.
 * Every write is guarded by the case stream's version (the kernel `ReadModel`), so a redelivered
 * or stale event changes nothing. One consumer group writes it, one message of a case at a time
 * (Kafka keeps a case's events in one partition), so read-then-replace is safe.
 */
export class CaseProgressReadModel {
  private readonly byReport;
  private readonly byCase;

  constructor(
    db: Db,
    private readonly units: UnitDirectory,
  ) {
    const models = new MongoReadModels(db, CASE_PROGRESS_READ_MODEL, 1);
    this.byReport = models.model<CaseProgress>('by_report');
    this.byCase = models.model<CaseLink>('by_case');
  }

  /** Applies one case event; false when it was not one the view follows or was seen before. */
  async apply(event: LoggedEvent): Promise<boolean> {
    const e = toCaseProgressEvent(event);
    if (e === null) return false;
    const guard = { streamId: event.streamId, streamVersion: event.streamVersion };
    let reportId: string;
    if (e.type === 'dispatch.case.opened.v1') {
      reportId = e.data.reportId;
      await this.byCase.upsert(e.data.caseId, guard, () => ({ reportId }));
    } else {
      const link = await this.byCase.get(e.data.caseId);
      if (!link) throw new UnknownCaseError(e.data.caseId);
      reportId = link.reportId;
    }
    return this.byReport.upsert(reportId, guard, (current) => evolveCaseProgress(current, e, this.units));
  }

  /** The case progress of a report; null before dispatch opened a case for it. */
  async forReport(reportId: string): Promise<CaseProgress | null> {
    return this.byReport.get(reportId);
  }
}
