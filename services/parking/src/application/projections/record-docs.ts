import { assertNever, type LoggedEvent, type ReadModels, type RecordedEvent } from '@yiwang/kernel-core';
import { type ObstructionEvent, type SpaceEvent, type ViolationEvent } from '../../domain';
import { MODELS, type DeadlineDoc, type ObstructionDoc, type SpaceDoc, type ViolationDoc } from './read-model-docs';

type Stored = LoggedEvent | RecordedEvent;

function nextViolation(cur: ViolationDoc | null, event: ViolationEvent, version: number): ViolationDoc | null {
  if (event.type === 'parking.violation.recorded.v1') {
    const d = event.data;
    return {
      violationId: d.violationId,
      status: 'recorded',
      source: d.source,
      cameraId: d.cameraId,
      kind: d.kind,
      squad: d.squad,
      district: d.location.district,
      cellId: d.location.cellId,
      road: d.location.road,
      observedAt: d.observedAt,
      plateHash: d.vehicle.plateHash,
      plateSealed: d.vehicle.plateSealed,
      vehicleType: d.vehicle.vehicleType,
      fine: d.tableFine,
      deadline: '',
      outcome: '',
      towed: false,
      priorNotice: false,
      surcharge: 0,
      photoCount: d.photoRefs.length,
      dispatchCaseId: d.dispatchCaseId,
      erased: false,
      version,
    };
  }
  if (!cur) return null;
  const doc = { ...cur, version };
  switch (event.type) {
    case 'parking.violation.driver_warned.v1':
      return event.data.complied ? doc : { ...doc, status: 'refused' };
    case 'parking.violation.notice_issued.v1':
      return { ...doc, status: 'noticed', fine: event.data.fine, deadline: event.data.comeForwardBy };
    case 'parking.violation.prior_notice_served.v1':
      return { ...doc, priorNotice: true };
    case 'parking.violation.towing_ordered.v1':
      return { ...doc, towed: true };
    case 'parking.violation.penalty_decided.v1':
      return { ...doc, status: 'penalised', fine: event.data.fine, deadline: event.data.payBy };
    case 'parking.violation.fine_paid.v1':
      return { ...doc, surcharge: event.data.surcharge };
    case 'parking.violation.transferred.v1':
      return { ...doc, surcharge: event.data.surchargeAccrued };
    case 'parking.violation.closed.v1':
      return { ...doc, status: 'closed', outcome: event.data.outcome, deadline: '' };
    case 'parking.violation.personal_data_erased.v1':
      return { ...doc, erased: true, plateSealed: '' };
    default:
      return assertNever(event, 'violation event');
  }
}

/** The transfer deadline of a violation whose notice or payment runs; null otherwise. */
function violationDeadline(event: ViolationEvent, doc: ViolationDoc): DeadlineDoc | null | undefined {
  switch (event.type) {
    case 'parking.violation.notice_issued.v1':
    case 'parking.violation.penalty_decided.v1':
      return {
        action: 'transfer',
        subjectId: doc.violationId,
        due: event.data.transferDueAt,
        dueMs: Date.parse(event.data.transferDueAt),
        squad: doc.squad,
      };
    case 'parking.violation.closed.v1':
      return null;
    default:
      return undefined; // unchanged
  }
}

export async function applyViolation(e: Stored, event: ViolationEvent, models: ReadModels): Promise<ViolationDoc | null> {
  const id = e.streamId.replace(/^parking-violation-/, '');
  const docs = models.model<ViolationDoc>(MODELS.violations);
  await docs.upsert(id, e, (cur) => nextViolation(cur, event, e.streamVersion));
  const doc = await docs.get(id);
  if (!doc) return null;
  const deadline = violationDeadline(event, doc);
  if (deadline !== undefined) await models.model<DeadlineDoc>(MODELS.deadlines).upsert(`violation:${id}`, e, () => deadline);
  return doc;
}

function nextObstruction(cur: ObstructionDoc | null, event: ObstructionEvent, version: number): ObstructionDoc | null {
  if (event.type === 'parking.obstruction.surveyed.v1') {
    const d = event.data;
    return {
      obstructionId: d.obstructionId,
      status: 'surveyed',
      kind: d.kind,
      squad: d.squad,
      district: d.location.district,
      ownerSealed: d.ownerSealed,
      removeBy: '',
      scheduledRemovalAt: '',
      overdue: false,
      removedBy: '',
      costYuan: 0,
      version,
    };
  }
  if (!cur) return null;
  const doc = { ...cur, version };
  switch (event.type) {
    case 'parking.obstruction.removal_ordered.v1':
      return { ...doc, status: 'ordered', removeBy: event.data.removeBy };
    case 'parking.obstruction.removal_overdue_marked.v1':
      return { ...doc, overdue: true };
    case 'parking.obstruction.reminder_served.v1':
      return { ...doc, status: 'reminded', scheduledRemovalAt: event.data.scheduledRemovalAt };
    case 'parking.obstruction.removed.v1':
      return { ...doc, status: 'removed', removedBy: event.data.by, costYuan: event.data.costYuan };
    case 'parking.obstruction.fine_imposed.v1':
      return doc;
    case 'parking.obstruction.personal_data_erased.v1':
      return { ...doc, ownerSealed: '' };
    default:
      return assertNever(event, 'obstruction event');
  }
}

export async function applyObstruction(e: Stored, event: ObstructionEvent, models: ReadModels): Promise<ObstructionDoc | null> {
  const id = e.streamId.replace(/^obstruction-/, '');
  const docs = models.model<ObstructionDoc>(MODELS.obstructions);
  await docs.upsert(id, e, (cur) => nextObstruction(cur, event, e.streamVersion));
  const doc = await docs.get(id);
  if (!doc) return null;
  const running = doc.status === 'ordered' && !doc.overdue;
  await models
    .model<DeadlineDoc>(MODELS.deadlines)
    .upsert(`obstruction:${id}`, e, () =>
      running ? { action: 'removal_overdue', subjectId: id, due: doc.removeBy, dueMs: Date.parse(doc.removeBy), squad: doc.squad } : null,
    );
  return doc;
}

export async function applySpace(e: Stored, event: SpaceEvent, models: ReadModels): Promise<void> {
  const id = e.streamId.replace(/^parking-space-/, '');
  await models.model<SpaceDoc>(MODELS.spaces).upsert(id, e, (cur) => {
    switch (event.type) {
      case 'parking.space.marked.v1': {
        const d = event.data;
        return {
          spaceId: d.spaceId,
          kind: d.kind,
          maxMinutes: d.maxMinutes,
          windows: d.windows,
          removed: false,
          road: d.location.road,
          cellId: d.location.cellId,
          district: d.location.district,
          bays: d.bays,
        };
      }
      case 'parking.space.windows_changed.v1':
        return cur ? { ...cur, windows: event.data.windows } : null;
      case 'parking.space.removed.v1':
        return cur ? { ...cur, removed: true } : null;
      default:
        return assertNever(event, 'space event');
    }
  });
}
