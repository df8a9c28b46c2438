import { assertNever, type ReadModels } from '@yiwang/kernel-core';
import { applyWeeks } from './company-week';
import { periodOf, type ComplaintEvent, type ComplaintState, type PointEvent } from '../../domain';

export type HouseholdRefundLine = {
  householdId: string;
  complaintId: string;
  days: number;
  percent: number;
  refundCents: number;
  approved: boolean;
};

/** A company's heating season (供热季) in numbers; `_id` = `<season>:<companyId>`. */
export type CompanySeasonDoc = {
  companyId: string;
  season: string;
  complaints: number;
  measured: number;
  measuredOnTime: number;
  substandard: number;
  fixes: number;
  fixedOnTime: number;
  substandardDays: number;
  supervised: number;
  findings: number;
  /** Times a monitoring point fell silent past the limit (absent in documents written before it was counted). */
  devicesOffline?: number;
  refundsDueCents: number;
  refundsApprovedCents: number;
  refunds: HouseholdRefundLine[];
};

export const seasonDocId = (season: string, companyId: string): string => `${season}:${companyId}`;

export const emptySeason = (season: string, companyId: string): CompanySeasonDoc => ({
  companyId,
  season,
  ...{
    complaints: 0,
    measured: 0,
    measuredOnTime: 0,
    substandard: 0,
    fixes: 0,
    fixedOnTime: 0,
    substandardDays: 0,
    supervised: 0,
    findings: 0,
    devicesOffline: 0,
  },
  ...{ refundsDueCents: 0, refundsApprovedCents: 0, refunds: [] },
});

/** One event's contribution; `before` is the complaint's state before it (to count each complaint once). */
export function countEvent(doc: CompanySeasonDoc, event: ComplaintEvent | PointEvent, before: ComplaintState | null): CompanySeasonDoc {
  switch (event.type) {
    case 'heating.complaint.received.v1':
      return { ...doc, complaints: doc.complaints + 1 };
    case 'heating.complaint.measured.v1': {
      const first = before !== null && before.status !== 'none' && before.measuredOnTime === null && event.data.kind !== 'remeasurement';
      return first ? { ...doc, measured: doc.measured + 1, measuredOnTime: doc.measuredOnTime + (event.data.onTime ? 1 : 0) } : doc;
    }
    case 'heating.complaint.substandard_found.v1':
      return before !== null && before.status !== 'none' && periodOf(before) === null ? { ...doc, substandard: doc.substandard + 1 } : doc;
    case 'heating.complaint.fix_reported.v1':
      return { ...doc, fixes: doc.fixes + 1, fixedOnTime: doc.fixedOnTime + (event.data.onTime ? 1 : 0) };
    case 'heating.complaint.restored.v1':
      return { ...doc, substandardDays: doc.substandardDays + event.data.days };
    case 'heating.complaint.supervised.v1':
      return { ...doc, supervised: doc.supervised + 1 };
    case 'heating.complaint.refund_computed.v1': {
      const d = event.data;
      const line = {
        householdId: d.householdId,
        complaintId: d.complaintId,
        days: d.days,
        percent: d.excluded ? 0 : d.percent,
        refundCents: d.refundCents,
        approved: false,
      };
      return { ...doc, refundsDueCents: doc.refundsDueCents + d.refundCents, refunds: [...doc.refunds, line] };
    }
    case 'heating.complaint.refund_approved.v1': {
      const refunds = doc.refunds.map((r) => (r.complaintId === event.data.complaintId ? { ...r, approved: true } : r));
      return { ...doc, refundsApprovedCents: doc.refundsApprovedCents + event.data.refundCents, refunds };
    }
    case 'heating.point.finding_raised.v1':
      return { ...doc, findings: doc.findings + 1 };
    case 'heating.complaint.acknowledged.v1':
    case 'heating.complaint.third_party_ordered.v1':
    case 'heating.complaint.closed.v1':
    case 'heating.complaint.overdue_marked.v1':
    case 'heating.complaint.personal_data_erased.v1':
    case 'heating.point.finding_closed.v1':
    case 'heating.point.device_online.v1':
      return doc;
    case 'heating.point.device_offline.v1':
      return { ...doc, devicesOffline: (doc.devicesOffline ?? 0) + 1 };
    default:
      return assertNever(event, 'heating event');
  }
}

const companyOf = (event: ComplaintEvent | PointEvent, before: ComplaintState | null): string | null => {
  if ('companyId' in event.data) return event.data.companyId;
  return before !== null && before.status !== 'none' ? before.companyId : null;
};

/** Each touched company's season document, once per batch. */
export async function applySeason(
  season: string,
  events: ReadonlyArray<{ event: ComplaintEvent | PointEvent; before: ComplaintState | null }>,
  position: number,
  models: ReadModels,
): Promise<void> {
  const byCompany = new Map<string, Array<{ event: ComplaintEvent | PointEvent; before: ComplaintState | null }>>();
  for (const item of events) {
    const companyId = companyOf(item.event, item.before);
    if (companyId !== null) byCompany.set(companyId, [...(byCompany.get(companyId) ?? []), item]);
  }
  await applyWeeks(
    [...byCompany].flatMap(([companyId, items]) => items.map((i) => ({ companyId, ...i }))),
    position,
    models,
  );
  const seasons = models.model<CompanySeasonDoc>('company_seasons');
  for (const [companyId, items] of byCompany) {
    await seasons.upsert(seasonDocId(season, companyId), { position }, (cur) =>
      items.reduce((doc, { event, before }) => countEvent(doc, event, before), cur ?? emptySeason(season, companyId)),
    );
  }
}
