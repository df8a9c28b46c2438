import { createHash } from 'node:crypto';
import { CaseId, type CaseId as CaseIdType } from '../domain';

const SAFE = /^[A-Za-z0-9._-]{1,77}$/;

/**
 * The case id of a filed report, derived so that a redelivered or re-published filing always
 * lands on the same stream (`case-C-<reportId>`). Report ids with characters a stream id cannot
 * carry (e.g. `:`) or that are too long are hashed instead.
 */
export function caseIdForReport(reportId: string): CaseIdType {
  const tail = SAFE.test(reportId) ? reportId : `h${createHash('sha256').update(reportId).digest('hex').slice(0, 40)}`;
  return CaseId(`C-${tail}`);
}
