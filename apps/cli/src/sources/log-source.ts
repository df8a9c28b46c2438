import { status } from '@grpc/grpc-js';
import { eventLogClient, isServiceError, readLog, recordToEvent } from '@yiwang/event-log';
import { DataEncoding, EndMode, type ReadLogRequest } from '@yiwang/proto/yiwang/eventlog/v1/event_log';
import { CliError } from '../cli-error';
import { type ServiceInfo } from '../services';
import { type ReplayChunk, type ReplayFilter } from './source';

export type LogStart = Readonly<{ after: number } | { fromTime: Date } | { cursor: string } | Record<string, never>>;

export interface LogSourceOptions {
  readonly service: ServiceInfo;
  readonly address: string;
  readonly token: string;
  readonly start: LogStart;
  readonly filter: ReplayFilter;
  readonly toPosition?: number;
  readonly includePersonalData?: boolean;
  readonly batchSize?: number;
  /** Keep reading new events as they reach the log (until Ctrl-C). */
  readonly follow?: boolean;
}

function startOf(start: LogStart): ReadLogRequest['start'] {
  if ('after' in start) return { $case: 'afterPosition', value: start.after };
  if ('fromTime' in start) return { $case: 'fromTime', value: start.fromTime };
  if ('cursor' in start) return { $case: 'cursor', value: start.cursor };
  return undefined;
}

/**
 * Replays a service's ordered log over gRPC (`yiwang.eventlog.v1`), data as the service stores it
 * (JSON), personal data left out by the server unless asked for with the right role.
 */
export async function* logSource(options: LogSourceOptions, signal: AbortSignal): AsyncGenerator<ReplayChunk, void, undefined> {
  const client = eventLogClient(options.address, options.token);
  const codec = options.service.codec();
  const request: Partial<ReadLogRequest> = {
    start: startOf(options.start),
    types: [...options.filter.types],
    streamPrefix: options.filter.streamPrefix,
    toTime: options.filter.toTime,
    toPosition: options.toPosition ?? 0,
    batchSize: options.batchSize ?? 1000,
    dataEncoding: DataEncoding.DATA_ENCODING_JSON,
    includePersonalData: options.includePersonalData ?? false,
    end: options.follow ? EndMode.END_MODE_FOLLOW : EndMode.END_MODE_HEAD,
  };
  try {
    for await (const r of readLog(client, request, signal)) {
      yield {
        events: r.records.map((rec) => ({ event: recordToEvent(rec, codec) })),
        checkpoint: { version: 1, source: 'log', service: options.service.name, cursor: r.cursor },
        done: r.scannedPosition,
        total: r.endPosition,
      };
    }
  } catch (e) {
    if (signal.aborted) return;
    throw logError(e, options);
  } finally {
    client.close();
  }
}

/** A gRPC failure as one line the analyst can act on. */
export function logError(e: unknown, options: Pick<LogSourceOptions, 'service' | 'address'>): unknown {
  if (!isServiceError(e)) return e;
  const where = `${options.service.name} at ${options.address}`;
  switch (e.code) {
    case status.UNAVAILABLE:
      return new CliError(`cannot reach ${where}: ${e.details}`);
    case status.UNAUTHENTICATED:
    case status.PERMISSION_DENIED:
      return new CliError(`${where} refused: ${e.details}`);
    case status.OUT_OF_RANGE:
    case status.INVALID_ARGUMENT:
      return new CliError(`${where}: ${e.details}`, 2);
    case status.UNIMPLEMENTED:
      return new CliError(`${where} does not serve the event log (yiwang.eventlog.v1)`);
    default:
      return new CliError(`${where} failed: ${status[e.code] ?? e.code} ${e.details}`);
  }
}
