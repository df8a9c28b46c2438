import { ValidationError, type EventStore } from '@yiwang/kernel-core';
import { OUTBOUND_TYPES, type CaseUpdate } from '../domain';

/** Cursor of the subscription stream: the log position, opaque to the centre. */
export const encodeCursor = (position: number): string => Buffer.from(`p:${position}`).toString('base64url');

export function decodeCursor(cursor: string): number {
  if (cursor === '') return 0;
  const m = /^p:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new ValidationError('invalid cursor', [{ field: 'cursor', message: 'not a cursor this service issued' }]);
  return Number(m[1]);
}

/**
 * The updates queued for the centre, read from the ordered log after a position: what the
 * server-streaming subscription sends (the same updates, in the same order, as the pushes).
 */
export async function updatesAfter(
  store: EventStore,
  after: number,
  limit = 200,
): Promise<{ updates: Array<{ update: CaseUpdate; cursor: string }>; scannedTo: number }> {
  const events = await store.readAll({ after, limit, types: OUTBOUND_TYPES });
  const scannedTo = events.length > 0 ? events[events.length - 1]!.position : after;
  return {
    updates: events.map((e) => ({ update: (e.data as { update: CaseUpdate }).update, cursor: encodeCursor(e.position) })),
    scannedTo,
  };
}
