import type * as api from '@yiwang/proto/yiwang/enforcement/v1/enforcement_service';
import { type CaseView } from '../../application/queries';

/** The application's case view as the protobuf message (nulls become empty strings). */
export function toCaseView(v: CaseView): api.CaseView {
  const p = v.party;
  return {
    caseId: v.caseId,
    status: v.status,
    squadId: v.squadId,
    district: v.district,
    sourceKind: v.sourceKind,
    sourceRef: v.sourceRef,
    cause: v.cause,
    partyType: p?.['type'] ?? '',
    partyPublicName: p?.['publicName'] ?? '',
    partyName: p?.['name'] ?? '',
    partyIdNumber: p?.['idNumber'] ?? '',
    partyPhone: p?.['phone'] ?? '',
    partyAddress: p?.['address'] ?? '',
    personalDataErased: v.personalDataErased,
    filedAt: v.filedAt ?? '',
    decisionDeadline: v.decisionDeadline ?? '',
    outcome: v.outcome ?? '',
    fineFen: v.fineFen,
    surchargeFen: v.surchargeFen,
    amountDueFen: v.amountDueFen,
    deadlines: v.deadlines.map((d) => ({ ...d })),
    publicationStatus: v.publicationStatus,
    version: v.version,
  };
}
