import { IllegalStateError, type LoggedEvent, type Projection, type RecordedEvent } from '@yiwang/kernel-core';
import { pointOf, type FindingRaised, type PointId } from '../domain';
import { type ComplaintService } from './complaint-service';
import { MONITORING_ACTOR } from './readings-ingest';

export const FINDING_REACTION = 'heating_finding_complaints';

/**
 * A finding opens its complaint (`MON-<findingId>`) as a reaction to `finding_raised` in the
 * service's own log, not in the same call that raised it: the projector's checkpoint makes it
 * durable (a process that dies after the finding and before the complaint opens it on restart),
 * and the command id `finding:<findingId>` makes a replayed event open nothing twice. It writes no
 * read model; a rebuild from 0 only meets complaints that exist already.
 */
export function findingReaction(complaints: ComplaintService): Projection {
  const openFor = async (e: LoggedEvent | RecordedEvent): Promise<void> => {
    const finding = (e as unknown as FindingRaised).data;
    const point = pointOf(complaints.city, finding.pointId as PointId);
    try {
      await complaints.receive(
        {
          complaintId: finding.complaintId,
          householdId: point?.householdId ?? finding.householdId,
          channel: 'monitoring',
          pointId: finding.pointId,
          description: `监测点 ${finding.pointId} 室温低于标准 ${(finding.lowestDeci / 10).toFixed(1)} ℃ 持续 ${complaints.city.monitoring.belowHours} 小时以上`,
          contact: null,
        },
        {
          actor: MONITORING_ACTOR,
          commandId: `finding:${finding.findingId}`,
          correlationId: e.correlationId ?? `finding:${finding.findingId}`,
        },
      );
    } catch (err) {
      // Opened already under another command (e.g. before this reaction existed): nothing to do.
      if (!(err instanceof IllegalStateError)) throw err;
    }
  };
  return {
    name: FINDING_REACTION,
    handles: ['heating.point.finding_raised.v1'],
    apply: openFor,
    async applyBatch(events) {
      // Each finding opens its own complaint stream: side by side, a few at a time.
      for (let i = 0; i < events.length; i += 16) await Promise.all(events.slice(i, i + 16).map(openFor));
    },
  };
}
