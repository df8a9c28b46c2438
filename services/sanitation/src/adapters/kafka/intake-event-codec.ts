import { JsonEventCodec, ProtobufEventCodec, type EventCodec } from '@yiwang/kernel-kafka';
import { ReportClosed } from '@yiwang/proto/yiwang/intake/v1/events';
import { INTAKE_REPORT_CLOSED } from '../../application/intake-loop';

/** How sanitation reads `yiwang.intake.events.v1`: only the closure of a report, the loop's way back. */
export const intakeClosureCodec = (): EventCodec =>
  new ProtobufEventCodec(
    {
      [INTAKE_REPORT_CLOSED]: {
        messageType: 'yiwang.intake.v1.ReportClosed',
        encode: (d: { reportId: string; caseId: string | null; closedAt: string }) =>
          ReportClosed.encode({ reportId: d.reportId, caseId: d.caseId ?? '', closedAt: new Date(d.closedAt) }).finish(),
        decode: (b: Uint8Array) => {
          const m = ReportClosed.decode(b);
          return { reportId: m.reportId, caseId: m.caseId || null, closedAt: (m.closedAt ?? new Date(0)).toISOString() };
        },
      },
    },
    { fallback: new JsonEventCodec() },
  );
