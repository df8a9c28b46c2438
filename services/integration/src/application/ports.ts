import { type CentreState, type CaseUpdate, type WorkOrder } from '../domain';

/** Intake, as integration uses it: work orders become reports, idempotently by external id. */
export interface IntakeWorkOrders {
  submitWorkOrder(order: WorkOrder): Promise<{
    reportId: string;
    created: boolean;
    status: 'filed' | 'awaiting_filing' | 'duplicate' | 'rejected' | 'closed';
    caseId: string | null;
    masterReportId: string | null;
  }>;
}

/** The centre's copy of one case (proto `CentreCaseState`). */
export interface CentreCaseState {
  readonly caseId: string;
  readonly externalId: string;
  readonly sequence: number;
  readonly state: CentreState | null;
  readonly unitId: string | null;
  readonly deadline: string | null;
  readonly lastEventId: string;
}

/** The operations centre's side of the link (OpsCentreService), as integration calls it. */
export interface CentreLink {
  /** Sends a batch; resolves to the event ids the centre holds now. Rejects when the centre is unreachable or refuses. */
  receiveCaseUpdates(updates: readonly CaseUpdate[]): Promise<readonly string[]>;
  /** One page of the centre's case states. */
  listCaseStates(request: {
    updatedSince: Date | null;
    pageSize: number;
    pageToken: string;
  }): Promise<{ cases: readonly CentreCaseState[]; nextPageToken: string }>;
}
