import { type ServerWritableStream, status } from '@grpc/grpc-js';
import { UnauthenticatedError, ValidationError, type LoggedEvent } from '@yiwang/kernel-core';
import { JsonEventCodec, type EventCodec } from '@yiwang/kernel-kafka';
import { LogTimeIndex, scanLog, type MongoEventStore } from '@yiwang/kernel-mongodb';
import { authed, callContext, requireRole, type GrpcServiceRegistration } from '@yiwang/platform';
import {
  DataEncoding,
  EndMode,
  EventLogServiceService,
  type EventLogServiceServer,
  type LogRecord,
  type ReadLogRequest,
  type ReadLogResponse,
} from '@yiwang/proto/yiwang/eventlog/v1/event_log';
import { decodeCursor, encodeCursor } from './cursor';
import { noPersonalData, type PersonalDataPolicy } from './personal-data';
import { ANALYST_PERSONAL_DATA_ROLE, ANALYST_REPLAY_ROLE } from './roles';

export interface EventLogServiceOptions {
  readonly store: MongoEventStore;
  /** The service's Kafka codec (protobuf data, as on its topic). */
  readonly codec: EventCodec;
  readonly personalData?: PersonalDataPolicy;
  /** How often a follow-mode call looks for new events when nothing wakes it (default 250 ms). */
  readonly followPollMs?: number;
  /** Called with the scanned position each time a response is handed to gRPC (metrics, tests). */
  readonly onSent?: (scannedPosition: number) => void;
}

const DEFAULT_BATCH = 500;
const MAX_BATCH = 5000;
/** A response is cut at this many payload bytes, well under gRPC's 4 MB message limit. */
const MAX_BATCH_BYTES = 1_000_000;
/** While filters skip everything, a progress response (no records, a newer cursor) every this many positions. */
const PROGRESS_EVERY = 5000;

/** A status thrown on purpose; the platform's error mapping passes it through. */
const outOfRange = (details: string) => ({ code: status.OUT_OF_RANGE, details });

/**
 * `yiwang.eventlog.v1.EventLogService` over a service's store: register the returned definition
 * with `createGrpcServer` next to the service's own API. Written once here for every service.
 */
export function eventLogGrpcService(options: EventLogServiceOptions): GrpcServiceRegistration {
  const { store, codec } = options;
  const json = new JsonEventCodec();
  const policy = options.personalData ?? noPersonalData;
  const timeIndex = new LogTimeIndex(store);

  const encode = (e: LoggedEvent, encoding: DataEncoding) => {
    if (encoding === DataEncoding.DATA_ENCODING_JSON) return json.encode(e.type, e.data);
    try {
      return codec.encode(e.type, e.data);
    } catch {
      return json.encode(e.type, e.data); // a type without a protobuf message yet: still replayable
    }
  };

  const toRecord = (e: LoggedEvent, encoding: DataEncoding): LogRecord => {
    const data = encode(e, encoding);
    return {
      position: e.position,
      eventId: e.id,
      type: e.type,
      streamId: e.streamId,
      streamVersion: e.streamVersion,
      occurredAt: e.occurredAt,
      recordedAt: e.recordedAt,
      correlationId: e.correlationId,
      causationId: e.causationId ?? '',
      actor: { subject: e.actor.subject, department: e.actor.department ?? '', roles: [...(e.actor.roles ?? [])] },
      traceparent: e.traceparent ?? '',
      commandId: e.commandId ?? '',
      contentType: data.contentType,
      payload: Buffer.from(data.bytes.buffer, data.bytes.byteOffset, data.bytes.byteLength),
      cursor: encodeCursor(e.position),
    };
  };

  const startAfter = async (request: ReadLogRequest, head: number): Promise<number> => {
    const start = request.start;
    if (!start) return 0;
    if (start.$case === 'afterPosition') {
      if (start.value > head) throw outOfRange(`position ${start.value} is beyond the end of the log (head ${head})`);
      return start.value;
    }
    if (start.$case === 'cursor') {
      const p = decodeCursor(start.value);
      if (p > head) throw outOfRange(`cursor position ${p} is beyond the end of the log (head ${head})`);
      return p;
    }
    if (Number.isNaN(start.value.getTime()))
      throw new ValidationError('from_time is not a time', [{ field: 'from_time', message: 'invalid' }]);
    return timeIndex.afterPositionFor(start.value);
  };

  const impl: EventLogServiceServer = {
    readLog: async (call: ServerWritableStream<ReadLogRequest, ReadLogResponse>) => {
      const ctx = callContext(call);
      const request = call.request;
      if (!ctx.principal) throw new UnauthenticatedError('the event log needs a bearer token');
      requireRole(ctx.principal, ANALYST_REPLAY_ROLE);
      if (request.includePersonalData) requireRole(ctx.principal, ANALYST_PERSONAL_DATA_ROLE);
      const batchSize = request.batchSize === 0 ? DEFAULT_BATCH : request.batchSize;
      if (batchSize > MAX_BATCH)
        throw new ValidationError(`batch_size is at most ${MAX_BATCH}`, [{ field: 'batch_size', message: String(batchSize) }]);
      const types = request.types.length > 0 ? new Set(request.types) : null;
      const prefix = request.streamPrefix;
      const follow = request.end === EndMode.END_MODE_FOLLOW;
      const head = await store.headPosition();
      let after = await startAfter(request, head);
      const endPosition = follow ? request.toPosition || Number.POSITIVE_INFINITY : Math.min(head, request.toPosition || head);
      const toTime = request.toTime?.getTime();
      const signal = ctx.signal;

      let records: LogRecord[] = [];
      let bytes = 0;
      let lastSent = after;
      let sentAny = false;
      let done = false;
      const flush = async (scanned: number): Promise<void> => {
        const response: ReadLogResponse = {
          records,
          cursor: encodeCursor(scanned),
          scannedPosition: scanned,
          endPosition: Number.isFinite(endPosition) ? endPosition : 0,
        };
        records = [];
        bytes = 0;
        lastSent = scanned;
        sentAny = true;
        // Flow control: when gRPC's buffer is full, read no further until the client takes more.
        if (!call.write(response)) await drained(call, signal);
        options.onSent?.(scanned);
      };

      while (!done && !signal.aborted) {
        const to = follow ? Math.min(endPosition, await store.headPosition()) : endPosition;
        for await (const events of readAhead(scanLog(store, { after, to, signal }))) {
          for (const raw of events) {
            if (toTime !== undefined && raw.occurredAt.getTime() >= toTime) {
              done = true;
              break;
            }
            after = raw.position;
            if (types && !types.has(raw.type)) continue;
            if (prefix && !raw.streamId.startsWith(prefix)) continue;
            const event = request.includePersonalData ? ((await policy.reveal?.(raw)) ?? raw) : policy.redact(raw);
            const record = toRecord(event, request.dataEncoding);
            records.push(record);
            bytes += record.payload.length;
            if (records.length >= batchSize || bytes >= MAX_BATCH_BYTES) await flush(after);
          }
          if (done || signal.aborted) break;
          if (records.length > 0 || after - lastSent >= PROGRESS_EVERY) await flush(after);
        }
        if (after >= endPosition) done = true;
        if (!follow) done = true;
        if (!done && !signal.aborted) {
          if (after > lastSent) await flush(after);
          await waitForLog(store, signal, options.followPollMs ?? 250);
        }
      }
      if (signal.aborted) return;
      if (records.length > 0 || after > lastSent || !sentAny) await flush(after);
      call.end();
    },

    getLogHead: authed(async (_request, principal) => {
      requireRole(principal, ANALYST_REPLAY_ROLE);
      const head = await store.headPosition();
      const last = head > 0 ? (await store.readAll({ after: head - 1, limit: 1 }))[0] : undefined;
      return { headPosition: head, headOccurredAt: last?.occurredAt };
    }),
  };
  return { definition: EventLogServiceService, implementation: impl };
}

/**
 * Pulls the next item while the caller is still busy with the current one (sending it, waiting
 * for `drain`), so reading the database and writing to the network overlap. Holds at most ONE item
 * ahead: flow control still bounds the server's memory.
 */
async function* readAhead<T>(source: AsyncGenerator<T, void, undefined>): AsyncGenerator<T, void, undefined> {
  const pull = () => {
    const p = source.next();
    p.catch(() => undefined); // a read left pending when the caller stops must not go unhandled
    return p;
  };
  try {
    let next = pull();
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = pull();
      yield current.value;
    }
  } finally {
    await source.return(undefined);
  }
}

/** Resolves on `drain`; rejects when the call is cancelled or the signal aborts. */
function drained(call: ServerWritableStream<unknown, unknown>, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      call.removeListener('drain', onDrain);
      call.removeListener('close', onClose);
      signal.removeEventListener('abort', onAbort);
    };
    const onDrain = (): void => {
      cleanup();
      resolve();
    };
    const onAbort = (): void => {
      cleanup();
      reject(signal.reason instanceof Error ? signal.reason : new Error('call cancelled'));
    };
    const onClose = (): void => onAbort();
    call.once('drain', onDrain);
    call.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) onAbort();
  });
}

/** Waits until this process's sequencer advances the log, the poll interval passes, or the call ends. */
function waitForLog(store: MongoEventStore, signal: AbortSignal, pollMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener('abort', finish);
      resolve();
    };
    const timer = setTimeout(finish, pollMs);
    const unsubscribe = store.onLogAdvanced(finish);
    signal.addEventListener('abort', finish, { once: true });
  });
}
