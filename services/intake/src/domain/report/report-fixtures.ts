import { type Actor, type Instant, type ReportId } from '../shared/values';
import { type ReceiveReport } from './report-commands';
import { type CategorySnapshot, type Channel, type ReportEvent } from './report-events';

/** Shared fixtures of the report specs. */
export const REPORT_ID = 'R20250303-0001' as ReportId;
export const MASTER_ID = 'R20250303-0000' as ReportId;
export const AT = '2025-03-03T10:00:00+08:00' as Instant;
export const LATER = '2025-03-03T10:30:00+08:00' as Instant;

export const citizen: Actor = { subject: 'open311:anonymous', department: 'public', roles: [] };
export const supervisor: Actor = { subject: 'chen.jie', department: 'centre.supervision', roles: ['centre.supervision'] };
export const system: Actor = { subject: 'intake-process', department: 'system.intake', roles: ['system'] };

export const garbage: CategorySnapshot = {
  code: 'event.01.02' as CategorySnapshot['code'],
  urgency: 'normal',
  unitType: 'sanitation',
  deadline: { amount: 4, unit: 'working_hours' },
};
export const cell = { cellId: '410802001001001', district: '解放区', street: '焦北街道', community: '焦北社区' };
export const location = { lat: 35.2305, lon: 113.2006 };

export const receive = (channel: Channel, extra: Partial<ReceiveReport['data']> = {}): ReceiveReport => ({
  type: 'ReceiveReport',
  actor: citizen,
  data: {
    reportId: REPORT_ID,
    channel,
    category: garbage,
    location,
    cell,
    description: '路边垃圾堆积',
    photoRefs: ['p/1.jpg'],
    at: AT,
    ...extra,
  },
});

export const received = (
  channel: Channel,
  extra: Partial<Extract<ReportEvent, { type: 'intake.report.received.v1' }>['data']> = {},
): ReportEvent => ({
  type: 'intake.report.received.v1',
  data: {
    reportId: REPORT_ID,
    channel,
    category: garbage,
    location,
    cell,
    description: '路边垃圾堆积',
    photoRefs: ['p/1.jpg'],
    reporter: null,
    sensor: null,
    externalId: null,
    trackingToken: null,
    receivedAt: AT,
    ...extra,
  },
});
export const withContact = received('citizen', { reporter: { name: '张先生', phone: '13800000000' } });
export const filed = (by: 'rule' | 'centre' = 'centre', note = ''): ReportEvent => ({
  type: 'intake.report.filed.v1',
  data: { reportId: REPORT_ID, by, category: garbage, cell, location, note, filedAt: by === 'rule' ? AT : LATER },
});
export const rejected: ReportEvent = {
  type: 'intake.report.rejected.v1',
  data: { reportId: REPORT_ID, reason: 'out_of_scope', note: '', rejectedAt: LATER },
};
export const markedDuplicate: ReportEvent = {
  type: 'intake.report.marked_duplicate.v1',
  data: { reportId: REPORT_ID, masterReportId: MASTER_ID, caseId: 'C1', by: 'centre', markedAt: LATER },
};
export const closedEvent: ReportEvent = { type: 'intake.report.closed.v1', data: { reportId: REPORT_ID, caseId: 'C1', closedAt: LATER } };

export const HISTORIES = {
  none: [],
  awaiting_filing: [withContact],
  filed: [withContact, filed()],
  rejected: [withContact, rejected],
  duplicate: [withContact, markedDuplicate],
  closed: [withContact, filed(), closedEvent],
} as const satisfies Record<string, readonly ReportEvent[]>;
