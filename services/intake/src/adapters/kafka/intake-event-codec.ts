import { ProtobufEventCodec, type ProtobufMessageCodec, type ProtobufRegistry } from '@yiwang/kernel-kafka';
import * as pb from '@yiwang/proto/yiwang/intake/v1/events';
import { type CategorySnapshot, type CellRef, type ReportEvent } from '../../domain';
import { type CategoryTableEvent } from '../../domain/categories';

/**
 * The protobuf encoding of the intake's events on `yiwang.intake.events.v1`: one message of
 * `proto/yiwang/intake/v1/events.proto` per event type, with named conversions both ways
 * (instants ↔ Timestamp, null ↔ absent / empty string).
 */
type DataOf<T extends string> = Extract<ReportEvent | CategoryTableEvent, { type: T }>['data'];

const ts = (instant: string): Date => new Date(instant);
const iso = (d: Date | undefined): string => (d ?? new Date(0)).toISOString();
const orNull = (s: string): string | null => (s === '' ? null : s);

const category = (c: CategorySnapshot): pb.CategorySnapshot => ({
  code: c.code,
  urgency: c.urgency,
  unitType: c.unitType,
  deadlineAmount: c.deadline.amount,
  deadlineUnit: c.deadline.unit,
});
const categoryBack = (c: pb.CategorySnapshot | undefined): CategorySnapshot =>
  ({
    code: c?.code ?? '',
    urgency: c?.urgency ?? '',
    unitType: c?.unitType ?? '',
    deadline: { amount: c?.deadlineAmount ?? 0, unit: c?.deadlineUnit ?? 'working_hours' },
  }) as CategorySnapshot;
const cellBack = (c: pb.CellRef | undefined): CellRef | null =>
  c ? { cellId: c.cellId, district: c.district, street: c.street, community: c.community } : null;
const loc = (l: pb.Location | undefined) => ({ lat: l?.lat ?? 0, lon: l?.lon ?? 0 });
const householdBack = (h: pb.Household | undefined) => ({
  compound: h?.compound ?? '',
  building: h?.building ?? '',
  unit: h?.unit ?? '',
  room: h?.room ?? '',
});

function entry<T extends string, M>(
  type: T,
  fns: pb.MessageFns<M>,
  messageName: string,
  to: (d: DataOf<T>) => M,
  from: (m: M) => DataOf<T>,
): [T, ProtobufMessageCodec<DataOf<T>>] {
  return [
    type,
    { messageType: `yiwang.intake.v1.${messageName}`, encode: (d) => fns.encode(to(d)).finish(), decode: (b) => from(fns.decode(b)) },
  ];
}

export const intakeProtobufRegistry: ProtobufRegistry = Object.fromEntries([
  entry(
    'intake.report.received.v1',
    pb.ReportReceived,
    'ReportReceived',
    (d) => ({
      reportId: d.reportId,
      channel: d.channel,
      category: category(d.category),
      location: d.location,
      cell: d.cell ?? undefined,
      description: d.description,
      photoRefs: d.photoRefs,
      reporter: d.reporter ? { name: d.reporter.name ?? '', phone: d.reporter.phone ?? '' } : undefined,
      sensor: d.sensor ?? undefined,
      externalId: d.externalId ?? '',
      trackingToken: d.trackingToken ?? '',
      receivedAt: ts(d.receivedAt),
      household: d.household,
    }),
    (m) =>
      ({
        reportId: m.reportId,
        channel: m.channel,
        category: categoryBack(m.category),
        location: loc(m.location),
        cell: cellBack(m.cell),
        description: m.description,
        photoRefs: [...m.photoRefs],
        reporter: m.reporter ? { name: orNull(m.reporter.name), phone: orNull(m.reporter.phone) } : null,
        sensor: m.sensor ? { deviceId: m.sensor.deviceId, alarmId: m.sensor.alarmId } : null,
        externalId: orNull(m.externalId),
        trackingToken: orNull(m.trackingToken),
        receivedAt: iso(m.receivedAt),
        ...(m.household ? { household: householdBack(m.household) } : {}),
      }) as unknown as DataOf<'intake.report.received.v1'>,
  ),
  entry(
    'intake.report.filed.v1',
    pb.ReportFiled,
    'ReportFiled',
    (d) => ({
      reportId: d.reportId,
      by: d.by,
      category: category(d.category),
      cell: d.cell,
      location: d.location,
      note: d.note,
      filedAt: ts(d.filedAt),
      handover: d.handover,
    }),
    (m) =>
      ({
        reportId: m.reportId,
        by: m.by,
        category: categoryBack(m.category),
        cell: cellBack(m.cell),
        location: loc(m.location),
        note: m.note,
        filedAt: iso(m.filedAt),
        ...(m.handover ? { handover: { ...m.handover, household: householdBack(m.handover.household) } } : {}),
      }) as DataOf<'intake.report.filed.v1'>,
  ),
  entry(
    'intake.report.rejected.v1',
    pb.ReportRejected,
    'ReportRejected',
    (d) => ({ reportId: d.reportId, reason: d.reason, note: d.note, rejectedAt: ts(d.rejectedAt) }),
    (m) => ({ reportId: m.reportId, reason: m.reason, note: m.note, rejectedAt: iso(m.rejectedAt) }) as DataOf<'intake.report.rejected.v1'>,
  ),
  entry(
    'intake.report.marked_duplicate.v1',
    pb.ReportMarkedDuplicate,
    'ReportMarkedDuplicate',
    (d) => ({ reportId: d.reportId, masterReportId: d.masterReportId, caseId: d.caseId ?? '', by: d.by, markedAt: ts(d.markedAt) }),
    (m) =>
      ({
        reportId: m.reportId,
        masterReportId: m.masterReportId,
        caseId: orNull(m.caseId),
        by: m.by,
        markedAt: iso(m.markedAt),
      }) as DataOf<'intake.report.marked_duplicate.v1'>,
  ),
  entry(
    'intake.report.duplicate_absorbed.v1',
    pb.DuplicateAbsorbed,
    'DuplicateAbsorbed',
    (d) => ({
      reportId: d.reportId,
      duplicateReportId: d.duplicateReportId,
      duplicateCount: d.duplicateCount,
      absorbedAt: ts(d.absorbedAt),
    }),
    (m) =>
      ({
        reportId: m.reportId,
        duplicateReportId: m.duplicateReportId,
        duplicateCount: m.duplicateCount,
        absorbedAt: iso(m.absorbedAt),
      }) as DataOf<'intake.report.duplicate_absorbed.v1'>,
  ),
  entry(
    'intake.report.case_linked.v1',
    pb.ReportLinkedToCase,
    'ReportLinkedToCase',
    (d) => ({ reportId: d.reportId, caseId: d.caseId, linkedAt: ts(d.linkedAt) }),
    (m) => ({ reportId: m.reportId, caseId: m.caseId, linkedAt: iso(m.linkedAt) }) as DataOf<'intake.report.case_linked.v1'>,
  ),
  entry(
    'intake.report.reporter_notified.v1',
    pb.ReporterNotified,
    'ReporterNotified',
    (d) => ({ reportId: d.reportId, about: d.about, notifiedAt: ts(d.notifiedAt) }),
    (m) => ({ reportId: m.reportId, about: m.about, notifiedAt: iso(m.notifiedAt) }) as DataOf<'intake.report.reporter_notified.v1'>,
  ),
  entry(
    'intake.report.closed.v1',
    pb.ReportClosed,
    'ReportClosed',
    (d) => ({ reportId: d.reportId, caseId: d.caseId ?? '', closedAt: ts(d.closedAt) }),
    (m) => ({ reportId: m.reportId, caseId: orNull(m.caseId), closedAt: iso(m.closedAt) }) as DataOf<'intake.report.closed.v1'>,
  ),
  entry(
    'intake.report.reporter_contact_erased.v1',
    pb.ReporterContactErased,
    'ReporterContactErased',
    (d) => ({ reportId: d.reportId, reason: d.reason, erasedAt: ts(d.erasedAt) }),
    (m) => ({ reportId: m.reportId, reason: m.reason, erasedAt: iso(m.erasedAt) }) as DataOf<'intake.report.reporter_contact_erased.v1'>,
  ),
  entry(
    'intake.category_table.revised.v1',
    pb.CategoryTableRevised,
    'CategoryTableRevised',
    (d) => ({
      revision: d.revision,
      version: d.version,
      reason: d.reason,
      revisedBy: d.revisedBy,
      revisedAt: ts(d.revisedAt),
      diffJson: JSON.stringify(d.diff),
    }),
    (m) =>
      ({
        revision: m.revision,
        version: m.version,
        reason: m.reason,
        revisedBy: m.revisedBy,
        revisedAt: iso(m.revisedAt),
        diff: JSON.parse(m.diffJson || '{}'),
      }) as DataOf<'intake.category_table.revised.v1'>,
  ),
]);

/** Strict: an intake event type without a message must not be published by accident. */
export const intakeEventCodec = (): ProtobufEventCodec => new ProtobufEventCodec(intakeProtobufRegistry);
