import { CaseState, UpdateKind, type CaseUpdate as CaseUpdateProto } from '@yiwang/proto/yiwang/opscenter/v1/case_update';
import { CoordinateSystem, WorkOrderSource, type SubmitWorkOrderRequest } from '@yiwang/proto/yiwang/opscenter/v1/case_link_service';
import { type CentreCaseState as CentreCaseStateProto } from '@yiwang/proto/yiwang/opscenter/v1/centre_service';
import {
  type CaseUpdate,
  type CategoryCodeTable,
  type CentreState,
  type WorkOrderInput,
  type WorkOrderSource as Source,
} from '../../domain';
import { type CentreCaseState } from '../../application/ports';

const STATE_TO_PROTO: Record<CentreState, CaseState> = {
  registered: CaseState.CASE_STATE_REGISTERED,
  dispatched: CaseState.CASE_STATE_DISPATCHED,
  in_progress: CaseState.CASE_STATE_IN_PROGRESS,
  return_requested: CaseState.CASE_STATE_RETURN_REQUESTED,
  suspended: CaseState.CASE_STATE_SUSPENDED,
  handled: CaseState.CASE_STATE_HANDLED,
  closed: CaseState.CASE_STATE_CLOSED,
};
const PROTO_TO_STATE = new Map<CaseState, CentreState>(Object.entries(STATE_TO_PROTO).map(([k, v]) => [v, k as CentreState]));

export const stateToProto = (s: CentreState): CaseState => STATE_TO_PROTO[s];
export const stateFromProto = (s: CaseState): CentreState | null => PROTO_TO_STATE.get(s) ?? null;

const date = (iso: string | null): Date | undefined => {
  if (iso === null || iso === '') return undefined;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? undefined : new Date(t);
};

export function updateToProto(u: CaseUpdate, codeTable: CategoryCodeTable): CaseUpdateProto {
  return {
    eventId: u.eventId,
    caseId: u.caseId,
    sequence: u.sequence,
    state: stateToProto(u.state),
    responsibleUnit: u.unitId ?? '',
    deadline: date(u.deadline),
    handlingResult: u.result,
    occurredAt: date(u.occurredAt),
    queuedAt: date(u.queuedAt),
    externalId: u.externalId ?? '',
    reportId: u.reportId,
    eventType: u.eventType,
    kind: u.kind === 'repair' ? UpdateKind.UPDATE_KIND_REPAIR : UpdateKind.UPDATE_KIND_CHANGE,
    overdue: u.overdue,
    categoryCode: u.category,
    centreCategoryCode: codeTable.centreCodeOf(u.category) ?? '',
  };
}

export function centreStateFromProto(c: CentreCaseStateProto): CentreCaseState {
  return {
    caseId: c.caseId,
    externalId: c.externalId,
    sequence: c.sequence,
    state: stateFromProto(c.state),
    unitId: c.responsibleUnit === '' ? null : c.responsibleUnit,
    deadline: c.deadline ? c.deadline.toISOString() : null,
    lastEventId: c.lastEventId,
  };
}

const SOURCES = new Map<WorkOrderSource, Source>([
  [WorkOrderSource.WORK_ORDER_SOURCE_HOTLINE_12345, 'hotline_12345'],
  [WorkOrderSource.WORK_ORDER_SOURCE_CITY_APP, 'city_app'],
  [WorkOrderSource.WORK_ORDER_SOURCE_LEADER_MAILBOX, 'leader_mailbox'],
  [WorkOrderSource.WORK_ORDER_SOURCE_CENTRE_PATROL, 'centre_patrol'],
  [WorkOrderSource.WORK_ORDER_SOURCE_OTHER_DEPARTMENT, 'other_department'],
]);

export function workOrderFromProto(r: SubmitWorkOrderRequest): WorkOrderInput {
  return {
    externalId: r.externalId,
    source: SOURCES.get(r.source) ?? 'unspecified',
    categoryCode: r.categoryCode,
    location: r.location ? { lat: r.location.latitude, lon: r.location.longitude } : undefined,
    crs:
      r.coordinateSystem === CoordinateSystem.COORDINATE_SYSTEM_GCJ02
        ? 'gcj02'
        : r.coordinateSystem === CoordinateSystem.COORDINATE_SYSTEM_BD09
          ? 'bd09'
          : 'wgs84',
    address: r.address,
    description: r.description,
    contacts: r.contacts.map((c) => ({ name: c.name, phone: c.phone })),
    deadline: r.deadline,
    ...(r.household ? { household: r.household } : {}),
  };
}
