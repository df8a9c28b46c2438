import { caseIdForReport as sharedCaseIdForReport } from '@yiwang/contracts';
import { CaseId, type CaseId as CaseIdType } from '../domain';

/**
 * The case id of a filed report (`C-<reportId>`, hashed when unsafe). The rule lives in
 * @yiwang/contracts because integration must answer the operations centre with the same id.
 */
export const caseIdForReport = (reportId: string): CaseIdType => CaseId(sharedCaseIdForReport(reportId));
