import { type ReplayedEvent } from './sources/source';

/**
 * The export row of one event. Field names are part of the contract (docs/replay-formats.md):
 * they are only ever added to, never renamed or removed.
 */
export type ExportRow = Readonly<{
  position: number;
  eventId: string;
  type: string;
  streamId: string;
  streamVersion: number;
  occurredAt: string;
  recordedAt: string;
  correlationId: string;
  causationId: string | null;
  actor: Readonly<{ subject: string; department: string | null; roles: readonly string[] }>;
  commandId: string | null;
  service: string;
  kafka?: Readonly<{ topic: string; partition: number; offset: string }>;
  data: unknown;
}>;

export function exportRow(r: ReplayedEvent, service: string): ExportRow {
  const e = r.event;
  return {
    position: e.position,
    eventId: e.id,
    type: e.type,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    occurredAt: e.occurredAt.toISOString(),
    recordedAt: e.recordedAt.toISOString(),
    correlationId: e.correlationId,
    causationId: e.causationId,
    actor: { subject: e.actor.subject, department: e.actor.department ?? null, roles: [...(e.actor.roles ?? [])] },
    commandId: e.commandId,
    service,
    ...(r.kafka ? { kafka: r.kafka } : {}),
    data: e.data,
  };
}

/** CSV columns, in this order (the data column holds the event data as JSON). */
export const CSV_COLUMNS = [
  'position',
  'eventId',
  'type',
  'streamId',
  'streamVersion',
  'occurredAt',
  'recordedAt',
  'correlationId',
  'causationId',
  'actorSubject',
  'actorDepartment',
  'commandId',
  'service',
  'kafkaPartition',
  'kafkaOffset',
  'data',
] as const;

/** RFC 4180: quote when needed, double the quotes. */
const cell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function csvLine(row: ExportRow): string {
  const values = [
    row.position,
    row.eventId,
    row.type,
    row.streamId,
    row.streamVersion,
    row.occurredAt,
    row.recordedAt,
    row.correlationId,
    row.causationId,
    row.actor.subject,
    row.actor.department,
    row.commandId,
    row.service,
    row.kafka?.partition,
    row.kafka?.offset,
    JSON.stringify(row.data),
  ];
  return `${values.map(cell).join(',')}\n`;
}

export const csvHeader = (): string => `${CSV_COLUMNS.join(',')}\n`;
