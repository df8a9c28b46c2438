import { type ServiceError } from '@grpc/grpc-js';
import type { LoggedEvent } from '@yiwang/kernel-core';
import { JsonEventCodec, mediaType, type EventCodec } from '@yiwang/kernel-kafka';
import { createGrpcClient } from '@yiwang/platform';
import { EventLogServiceClient, ReadLogRequest, type LogRecord, type ReadLogResponse } from '@yiwang/proto/yiwang/eventlog/v1/event_log';

/** A client of a service's event log, authenticated with `token` (role `analyst.replay`). */
export function eventLogClient(address: string, token: string): EventLogServiceClient {
  return createGrpcClient(EventLogServiceClient, address, { token, defaultDeadlineMs: 30_000 });
}

/**
 * The responses of one `ReadLog` call, as an async iterable that pulls one response at a time:
 * a consumer that stops pulling stops the server reading (gRPC flow control). Breaking out of the
 * loop or aborting `signal` cancels the call.
 */
export async function* readLog(
  client: EventLogServiceClient,
  request: Partial<ReadLogRequest>,
  signal?: AbortSignal,
): AsyncGenerator<ReadLogResponse, void, undefined> {
  // No deadline: a replay runs as long as it takes (the default deadline is for unary calls).
  const call = client.readLog(ReadLogRequest.fromPartial(request), { deadline: Number.POSITIVE_INFINITY });
  const cancel = (): void => call.cancel();
  signal?.addEventListener('abort', cancel, { once: true });
  try {
    for await (const response of call) yield response as ReadLogResponse;
  } finally {
    signal?.removeEventListener('abort', cancel);
    call.cancel();
  }
}

const json = new JsonEventCodec();

/** A record back into the envelope, its payload decoded with the service's codec (or as JSON). */
export function recordToEvent(record: LogRecord, codec: EventCodec): LoggedEvent {
  const decoder = mediaType(record.contentType) === JsonEventCodec.contentType ? json : codec;
  return {
    id: record.eventId,
    type: record.type,
    streamId: record.streamId,
    streamVersion: record.streamVersion,
    position: record.position,
    occurredAt: record.occurredAt ?? new Date(0),
    recordedAt: record.recordedAt ?? record.occurredAt ?? new Date(0),
    correlationId: record.correlationId,
    causationId: record.causationId || null,
    actor: {
      subject: record.actor?.subject ?? 'unknown',
      ...(record.actor?.department ? { department: record.actor.department } : {}),
      roles: [...(record.actor?.roles ?? [])],
    },
    traceparent: record.traceparent || null,
    commandId: record.commandId || null,
    data: decoder.decode(record.contentType, record.type, record.payload),
  };
}

/** True for a gRPC error status (as opposed to a local failure). */
export const isServiceError = (e: unknown): e is ServiceError =>
  typeof e === 'object' && e !== null && 'code' in e && 'details' in e && 'metadata' in e;
