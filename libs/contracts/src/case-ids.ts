import { createHash } from 'node:crypto';

const SAFE = /^[A-Za-z0-9._-]{1,77}$/;

/**
 * The case id of a filed report, derived so that a redelivered or re-published filing always
 * lands on the same stream (`case-C-<reportId>`). Report ids with characters a stream id cannot
 * carry (e.g. `:`) or that are too long are hashed instead.
 *
 * Dispatch opens the case under this id; integration answers the operations centre with it as
 * soon as intake accepted a work order, before the case exists. One rule, in one place.
 */
export function caseIdForReport(reportId: string): string {
  const tail = SAFE.test(reportId) ? reportId : `h${createHash('sha256').update(reportId).digest('hex').slice(0, 40)}`;
  return `C-${tail}`;
}
