import type { IncomingMessage, OutgoingMessage } from '../ports';
import { dlqTopic } from '../topics';

/** Headers a dead-lettered message carries beside its original ones. */
export const DLQ_HEADERS = {
  error: 'dlq_error',
  errorType: 'dlq_error_type',
  originalTopic: 'dlq_original_topic',
  partition: 'dlq_partition',
  offset: 'dlq_offset',
  group: 'dlq_group',
  failedAt: 'dlq_failed_at',
} as const;

const MAX_ERROR_LENGTH = 4_000;

/**
 * The message to send to `<topic>.dlq`: the original key, value and headers untouched (so it can be
 * replayed as it was), plus why and where it failed.
 */
export function deadLetterMessage(message: IncomingMessage, error: unknown, group: string, failedAt: Date = new Date()): OutgoingMessage {
  const err = error instanceof Error ? error : new Error(String(error));
  const headers: Record<string, string | Buffer> = {};
  for (const [name, value] of Object.entries(message.headers)) if (value !== undefined) headers[name] = value;
  headers[DLQ_HEADERS.error] = err.message.slice(0, MAX_ERROR_LENGTH);
  headers[DLQ_HEADERS.errorType] = err.name;
  headers[DLQ_HEADERS.originalTopic] = message.topic;
  headers[DLQ_HEADERS.partition] = String(message.partition);
  headers[DLQ_HEADERS.offset] = message.offset;
  headers[DLQ_HEADERS.group] = group;
  headers[DLQ_HEADERS.failedAt] = failedAt.toISOString();
  return { topic: dlqTopic(message.topic), key: message.key, value: message.value, headers };
}
