import { deciderSpec, fold, ForbiddenError, IllegalStateError, NotFoundError, ValidationError } from '@yiwang/kernel-core';
import { reportDecider } from './report-decide';
import { type ReportCommand } from './report-commands';
import { type ReportStatus } from './report-state';
import { type ReportEvent } from './report-events';
import { type ReportId } from '../shared/values';
import {
  AT,
  HISTORIES,
  LATER,
  MASTER_ID,
  REPORT_ID,
  cell,
  citizen,
  closedEvent,
  filed,
  garbage,
  markedDuplicate,
  receive,
  received,
  rejected,
  supervisor,
  system,
  withContact,
} from './report-fixtures';

const spec = deciderSpec(reportDecider);

describe('ReceiveReport and the filing rules per channel', () => {
  it.each(['inspector', 'camera', 'opscenter'] as const)('a %s report on the grid is filed at once', (channel) => {
    const extra = channel === 'opscenter' ? { externalId: 'CY-2025-000123' } : {};
    spec
      .given([])
      .when(receive(channel, extra))
      .then([received(channel, extra), filed('rule', `auto-filed: ${channel}`)]);
  });
  it('a sensor alarm needs no prose and is filed at once', () => {
    const sensor = { deviceId: 'JG-0815', alarmId: 'A-77' };
    spec
      .given([])
      .when(receive('sensor', { description: '', sensor }))
      .then([received('sensor', { description: '', sensor }), filed('rule', 'auto-filed: sensor')]);
  });
  it.each(['citizen', 'hotline'] as const)('a %s report waits for the supervision centre', (channel) => {
    spec
      .given([])
      .when(receive(channel, { reporter: { name: '张先生', phone: '13800000000' }, trackingToken: 'tok-1' }))
      .then([received(channel, { reporter: { name: '张先生', phone: '13800000000' }, trackingToken: 'tok-1' })]);
  });
  it('an inspector report off the grid waits too', () => {
    spec
      .given([])
      .when(receive('inspector', { cell: null }))
      .then([received('inspector', { cell: null })]);
  });
  it('a duplicate found by the handler is merged at once, whatever the channel', () => {
    spec
      .given([])
      .when(receive('citizen', { duplicateOf: { reportId: MASTER_ID, caseId: 'C1' } }))
      .then([
        received('citizen'),
        {
          type: 'intake.report.marked_duplicate.v1',
          data: { reportId: REPORT_ID, masterReportId: MASTER_ID, caseId: 'C1', by: 'rule', markedAt: AT },
        },
      ]);
  });
  it.each([
    ['an unknown channel', { channel: 'fax' as never }, 'channel'],
    ['impossible coordinates', { location: { lat: 135.2, lon: 113.2 } }, 'location.lat'],
    ['a malformed category code', { category: { ...garbage, code: 'garbage' as never } }, 'category.code'],
    ['an empty description', { description: ' ' }, 'description'],
    ['too many photos', { photoRefs: Array.from({ length: 11 }, (_, i) => `p${i}`) }, 'photoRefs'],
    ['a bad phone number', { reporter: { phone: 'call me' } }, 'reporter.phone'],
    ['a bad cell code', { cell: { ...cell, cellId: 'A1' } }, 'cell.cellId'],
    ['a self-duplicate', { duplicateOf: { reportId: REPORT_ID, caseId: null } }, 'duplicateOf.reportId'],
    ['a bad time', { at: '03/03/2025' }, 'at'],
  ])('refuses %s', (_name, extra, field) => {
    spec
      .given([])
      .when(receive('citizen', extra))
      .thenThrows(ValidationError, (e) => expect(e.violations[0]?.field).toBe(field));
  });
  it('a sensor report needs device and alarm ids; an ops-centre order its external id', () => {
    spec
      .given([])
      .when(receive('sensor'))
      .thenThrows(ValidationError, (e) => expect(e.violations[0]?.field).toBe('sensor'));
    spec
      .given([])
      .when(receive('opscenter'))
      .thenThrows(ValidationError, (e) => expect(e.violations[0]?.field).toBe('externalId'));
  });
  it('the same report id twice is an illegal state', () => {
    spec.given([withContact]).when(receive('citizen')).thenThrows(IllegalStateError);
  });
});

describe('FileReport 立案 / RejectReport 不予立案 / MarkDuplicate', () => {
  it('the supervision centre files a waiting report', () => {
    spec
      .given([withContact])
      .when({ type: 'FileReport', actor: supervisor, data: { at: LATER } })
      .then([filed()]);
  });
  it('an off-grid report is filed only with a cell', () => {
    const offGrid = received('citizen', { cell: null });
    spec
      .given([offGrid])
      .when({ type: 'FileReport', actor: supervisor, data: { at: LATER } })
      .thenThrows(ValidationError);
    spec
      .given([offGrid])
      .when({ type: 'FileReport', actor: supervisor, data: { cell, note: '位置已校正', at: LATER } })
      .then([filed('centre', '位置已校正')]);
  });
  it('rejected with a reason code from the list; "other" needs a note', () => {
    spec
      .given([withContact])
      .when({ type: 'RejectReport', actor: supervisor, data: { reason: 'out_of_scope', at: LATER } })
      .then([rejected]);
    spec
      .given([withContact])
      .when({ type: 'RejectReport', actor: supervisor, data: { reason: 'other', at: LATER } })
      .thenThrows(ValidationError);
    spec
      .given([withContact])
      .when({ type: 'RejectReport', actor: supervisor, data: { reason: 'nonsense' as never, at: LATER } })
      .thenThrows(ValidationError);
  });
  it('the centre merges a waiting report into another', () => {
    spec
      .given([withContact])
      .when({ type: 'MarkDuplicate', actor: supervisor, data: { masterReportId: MASTER_ID, caseId: 'C1', at: LATER } })
      .then([markedDuplicate]);
    spec
      .given([withContact])
      .when({ type: 'MarkDuplicate', actor: supervisor, data: { masterReportId: REPORT_ID, caseId: null, at: LATER } })
      .thenThrows(ValidationError);
  });
  it.each(['FileReport', 'RejectReport', 'MarkDuplicate'] as const)('%s needs the supervision centre', (type) => {
    const data = { at: LATER, reason: 'out_of_scope', masterReportId: MASTER_ID, caseId: null };
    spec
      .given([withContact])
      .when({ type, actor: citizen, data } as ReportCommand)
      .thenThrows(ForbiddenError);
  });
});

describe('the master side and the case', () => {
  const absorbed = (id: string, n: number): ReportEvent => ({
    type: 'intake.report.duplicate_absorbed.v1',
    data: { reportId: REPORT_ID, duplicateReportId: id as ReportId, duplicateCount: n, absorbedAt: LATER },
  });
  it('absorbs duplicates, counted and linked, each once', () => {
    spec
      .given(HISTORIES.filed)
      .when({ type: 'AbsorbDuplicate', actor: system, data: { duplicateReportId: 'R2', at: LATER } })
      .then([absorbed('R2', 1)]);
    spec
      .given([...HISTORIES.filed, absorbed('R2', 1)])
      .when({ type: 'AbsorbDuplicate', actor: system, data: { duplicateReportId: 'R3', at: LATER } })
      .then([absorbed('R3', 2)]);
    spec
      .given([...HISTORIES.filed, absorbed('R2', 1)])
      .when({ type: 'AbsorbDuplicate', actor: system, data: { duplicateReportId: 'R2', at: LATER } })
      .then([]);
    spec
      .given(HISTORIES.filed)
      .when({ type: 'AbsorbDuplicate', actor: system, data: { duplicateReportId: REPORT_ID, at: LATER } })
      .thenThrows(ValidationError);
  });
  it('links its case once', () => {
    const linked = { type: 'intake.report.case_linked.v1', data: { reportId: REPORT_ID, caseId: 'C1', linkedAt: LATER } } as const;
    spec
      .given(HISTORIES.filed)
      .when({ type: 'LinkCase', actor: system, data: { caseId: 'C1', at: LATER } })
      .then([linked]);
    spec
      .given([...HISTORIES.filed, linked])
      .when({ type: 'LinkCase', actor: system, data: { caseId: 'C1', at: LATER } })
      .then([]);
    spec
      .given([...HISTORIES.filed, linked])
      .when({ type: 'LinkCase', actor: system, data: { caseId: 'C2', at: LATER } })
      .thenThrows(IllegalStateError);
    spec
      .given(HISTORIES.filed)
      .when({ type: 'LinkCase', actor: supervisor, data: { caseId: 'C1', at: LATER } })
      .thenThrows(ForbiddenError);
  });
  it('closes when the case closes, a duplicate too, and only once', () => {
    spec
      .given(HISTORIES.filed)
      .when({ type: 'CloseReport', actor: system, data: { caseId: 'C1', at: LATER } })
      .then([closedEvent]);
    spec
      .given(HISTORIES.duplicate)
      .when({ type: 'CloseReport', actor: system, data: { caseId: 'C1', at: LATER } })
      .then([closedEvent]);
    spec
      .given(HISTORIES.closed)
      .when({ type: 'CloseReport', actor: system, data: { caseId: 'C1', at: LATER } })
      .then([]);
    spec
      .given(HISTORIES.duplicate)
      .when({ type: 'CloseReport', actor: system, data: { caseId: 'C9', at: LATER } })
      .thenThrows(IllegalStateError);
  });
});

describe('NotifyReporter and EraseReporterContact', () => {
  const notified = (about: 'filed' | 'rejected' | 'duplicate' | 'closed'): ReportEvent => ({
    type: 'intake.report.reporter_notified.v1',
    data: { reportId: REPORT_ID, about, notifiedAt: LATER },
  });
  it.each([
    ['filed', HISTORIES.filed],
    ['rejected', HISTORIES.rejected],
    ['duplicate', HISTORIES.duplicate],
    ['closed', HISTORIES.closed],
  ] as const)('tells the reporter the report is %s, once', (about, history) => {
    spec
      .given(history)
      .when({ type: 'NotifyReporter', actor: system, data: { at: LATER } })
      .then([notified(about)]);
    spec
      .given([...history, notified(about)])
      .when({ type: 'NotifyReporter', actor: system, data: { at: LATER } })
      .then([]);
  });
  it('an anonymous reporter cannot be told', () => {
    spec
      .given([received('citizen'), filed()])
      .when({ type: 'NotifyReporter', actor: system, data: { at: LATER } })
      .thenThrows(IllegalStateError);
  });
  it('erases the contact, after which nobody can be told', () => {
    const erased = {
      type: 'intake.report.reporter_contact_erased.v1',
      data: { reportId: REPORT_ID, reason: '本人申请删除', erasedAt: LATER },
    } as const;
    spec
      .given(HISTORIES.filed)
      .when({ type: 'EraseReporterContact', actor: supervisor, data: { reason: '本人申请删除', at: LATER } })
      .then([erased]);
    spec
      .given([...HISTORIES.filed, erased])
      .when({ type: 'EraseReporterContact', actor: supervisor, data: { reason: 'again', at: LATER } })
      .then([]);
    spec
      .given([...HISTORIES.filed, erased])
      .when({ type: 'NotifyReporter', actor: system, data: { at: LATER } })
      .thenThrows(IllegalStateError);
    spec
      .given(HISTORIES.filed)
      .when({ type: 'EraseReporterContact', actor: citizen, data: { reason: 'x', at: LATER } })
      .thenThrows(ForbiddenError);
  });
});

describe('report transition table', () => {
  const COMMANDS: Record<Exclude<ReportCommand['type'], 'ReceiveReport'>, ReportCommand> = {
    FileReport: { type: 'FileReport', actor: supervisor, data: { at: LATER } },
    RejectReport: { type: 'RejectReport', actor: supervisor, data: { reason: 'out_of_scope', at: LATER } },
    MarkDuplicate: { type: 'MarkDuplicate', actor: supervisor, data: { masterReportId: MASTER_ID, caseId: null, at: LATER } },
    AbsorbDuplicate: { type: 'AbsorbDuplicate', actor: system, data: { duplicateReportId: 'R9', at: LATER } },
    LinkCase: { type: 'LinkCase', actor: system, data: { caseId: 'C1', at: LATER } },
    NotifyReporter: { type: 'NotifyReporter', actor: system, data: { at: LATER } },
    CloseReport: { type: 'CloseReport', actor: system, data: { caseId: 'C1', at: LATER } },
    EraseReporterContact: { type: 'EraseReporterContact', actor: system, data: { reason: 'retention', at: LATER } },
  };
  const ALLOWED: Record<keyof typeof COMMANDS, readonly ReportStatus[]> = {
    FileReport: ['awaiting_filing'],
    RejectReport: ['awaiting_filing'],
    MarkDuplicate: ['awaiting_filing'],
    AbsorbDuplicate: ['filed'],
    LinkCase: ['filed'],
    NotifyReporter: ['filed', 'rejected', 'duplicate', 'closed'],
    CloseReport: ['filed', 'duplicate', 'closed'],
    EraseReporterContact: ['awaiting_filing', 'filed', 'rejected', 'duplicate', 'closed'],
  };
  const statuses = Object.keys(HISTORIES) as (keyof typeof HISTORIES)[];
  const pairs = Object.values(COMMANDS).flatMap((c) => statuses.map((s) => [c.type as keyof typeof COMMANDS, s, c] as const));

  it.each(pairs.filter(([t, s]) => ALLOWED[t].includes(s)))('%s in %s is allowed', (_t, s, c) => {
    expect(() => reportDecider.decide(c, fold(reportDecider, reportDecider.initialState(), HISTORIES[s]))).not.toThrow();
  });
  it.each(pairs.filter(([t, s]) => !ALLOWED[t].includes(s)))('%s in %s is refused', (t, s, c) => {
    if (s === 'none') return spec.given([]).when(c).thenThrows(NotFoundError);
    spec
      .given(HISTORIES[s])
      .when(c)
      .thenThrows(IllegalStateError, (e) => expect(e.context).toMatchObject({ command: t, status: s }));
  });
  it('each history reaches its state; a corrupt stream is refused', () => {
    for (const s of statuses) expect(fold(reportDecider, reportDecider.initialState(), HISTORIES[s]).status).toBe(s);
    expect(() => fold(reportDecider, reportDecider.initialState(), [filed()])).toThrow(/corrupt/);
    expect(() => fold(reportDecider, reportDecider.initialState(), [withContact, rejected, filed()])).toThrow(/corrupt/);
  });
  it('the state keeps no personal data', () => {
    const state = fold(reportDecider, reportDecider.initialState(), HISTORIES.filed);
    expect(JSON.stringify(state)).not.toMatch(/13800000000|张先生/);
    expect(state).toMatchObject({ hasContact: true });
  });
});
