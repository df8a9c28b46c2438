import { ValidationError } from '@yiwang/kernel-core';

/**
 * Resume tokens of the event log: `log1.<position>` — everything up to and including that position
 * has been delivered (or skipped by the filters). Stable across versions: a new layout gets a new
 * prefix, and the old one stays readable.
 */
const PREFIX = 'log1.';

export const encodeCursor = (position: number): string => `${PREFIX}${position}`;

/** The position a cursor says was covered; ValidationError for anything else. */
export function decodeCursor(cursor: string): number {
  const n = cursor.startsWith(PREFIX) ? Number(cursor.slice(PREFIX.length)) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0)
    throw new ValidationError(`not a log cursor: ${JSON.stringify(cursor.slice(0, 40))}`, [
      { field: 'cursor', message: `expected ${PREFIX}<position>` },
    ]);
  return n;
}
