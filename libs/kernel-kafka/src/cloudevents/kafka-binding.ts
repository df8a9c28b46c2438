import type { Actor, LoggedEvent } from '@yiwang/kernel-core';
import { MessageDecodeError } from '../errors';
import { headerString, type IncomingMessage, type OutgoingMessage } from '../ports';
import type { EventCodec } from './event-codec';

/**
 * Header names of the CloudEvents Kafka protocol binding, binary content mode: every attribute is a
 * `ce_<name>` header, the data is the message value, its media type the `content-type` header.
 * Extension names follow the spec's rule (lower-case letters and digits only).
 */
export const CE_HEADERS = {
  specversion: 'ce_specversion',
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  time: 'ce_time',
  subject: 'ce_subject',
  dataschema: 'ce_dataschema',
  contentType: 'content-type',
  // Extensions: the rest of the envelope, so a subscriber rebuilds it without reading our database.
  streamversion: 'ce_streamversion',
  position: 'ce_position',
  recordedat: 'ce_recordedat',
  correlationid: 'ce_correlationid',
  causationid: 'ce_causationid',
  actor: 'ce_actor',
  commandid: 'ce_commandid',
  /** W3C trace context, under its own name as the OpenTelemetry Kafka conventions expect. */
  traceparent: 'traceparent',
} as const;

export const CE_SPEC_VERSION = '1.0';

export interface CloudEventBindingOptions {
  /** The CloudEvents `source`, e.g. `/yiwang/dispatch` (see `serviceSource`). */
  readonly source: string;
  readonly codec: EventCodec;
}

/** An envelope as a Kafka message in binary mode; key = stream id, so each stream keeps its order. */
export function toKafkaMessage(topic: string, event: LoggedEvent, options: CloudEventBindingOptions): OutgoingMessage {
  const encoded = options.codec.encode(event.type, event.data);
  const headers: Record<string, string> = {
    [CE_HEADERS.specversion]: CE_SPEC_VERSION,
    [CE_HEADERS.id]: event.id,
    [CE_HEADERS.type]: event.type,
    [CE_HEADERS.source]: options.source,
    [CE_HEADERS.time]: event.occurredAt.toISOString(),
    [CE_HEADERS.subject]: event.streamId,
    [CE_HEADERS.contentType]: encoded.contentType,
    [CE_HEADERS.streamversion]: String(event.streamVersion),
    [CE_HEADERS.position]: String(event.position),
    [CE_HEADERS.recordedat]: event.recordedAt.toISOString(),
    [CE_HEADERS.correlationid]: event.correlationId,
    [CE_HEADERS.actor]: JSON.stringify(event.actor),
  };
  if (encoded.dataschema) headers[CE_HEADERS.dataschema] = encoded.dataschema;
  if (event.causationId) headers[CE_HEADERS.causationid] = event.causationId;
  if (event.commandId) headers[CE_HEADERS.commandid] = event.commandId;
  if (event.traceparent) headers[CE_HEADERS.traceparent] = event.traceparent;
  return {
    topic,
    key: event.streamId,
    value: Buffer.from(encoded.bytes.buffer, encoded.bytes.byteOffset, encoded.bytes.byteLength),
    headers,
  };
}

/** What a message says about itself before decoding (for logs and the dead-letter queue). */
export function cloudEventId(message: IncomingMessage): { id?: string; type?: string } {
  return { id: headerString(message.headers, CE_HEADERS.id), type: headerString(message.headers, CE_HEADERS.type) };
}

/**
 * A Kafka message back into the envelope. Throws {@link MessageDecodeError} for anything that is
 * not one of our CloudEvents (missing or malformed attributes, data the codec rejects).
 */
export function fromKafkaMessage(message: IncomingMessage, codec: EventCodec): LoggedEvent {
  const h = (name: string): string | undefined => headerString(message.headers, name);
  const required = (name: string): string => {
    const v = h(name);
    if (v === undefined || v === '')
      throw new MessageDecodeError(`missing header ${name}`, {
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
      });
    return v;
  };
  const specversion = required(CE_HEADERS.specversion);
  if (specversion !== CE_SPEC_VERSION) throw new MessageDecodeError(`unsupported CloudEvents specversion ${specversion}`);
  const id = required(CE_HEADERS.id);
  const type = required(CE_HEADERS.type);
  required(CE_HEADERS.source);
  const occurredAt = date(required(CE_HEADERS.time), CE_HEADERS.time);
  const streamId = required(CE_HEADERS.subject);
  const streamVersion = integer(required(CE_HEADERS.streamversion), CE_HEADERS.streamversion);
  const position = integer(required(CE_HEADERS.position), CE_HEADERS.position);
  const recordedAtText = h(CE_HEADERS.recordedat);
  const data = codec.decode(h(CE_HEADERS.contentType), type, message.value ?? new Uint8Array(0));
  return {
    id,
    type,
    streamId,
    streamVersion,
    position,
    occurredAt,
    recordedAt: recordedAtText ? date(recordedAtText, CE_HEADERS.recordedat) : occurredAt,
    correlationId: h(CE_HEADERS.correlationid) ?? id,
    causationId: h(CE_HEADERS.causationid) ?? null,
    actor: actor(h(CE_HEADERS.actor)),
    traceparent: h(CE_HEADERS.traceparent) ?? null,
    commandId: h(CE_HEADERS.commandid) ?? null,
    data,
  };
}

function integer(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new MessageDecodeError(`header ${name} is not a non-negative integer: ${text}`);
  return n;
}

function date(text: string, name: string): Date {
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) throw new MessageDecodeError(`header ${name} is not a timestamp: ${text}`);
  return d;
}

function actor(text: string | undefined): Actor {
  if (text === undefined) return { subject: 'system' };
  try {
    const a = JSON.parse(text) as Actor;
    if (typeof a?.subject !== 'string') throw new Error('no subject');
    return a;
  } catch (e) {
    throw new MessageDecodeError(`header ${CE_HEADERS.actor} is not an actor: ${(e as Error).message}`);
  }
}
