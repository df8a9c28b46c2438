import { WhoAmIResponse } from '@yiwang/proto/yiwang/testing/v1/probe';
import type { LoggedEvent } from '@yiwang/kernel-core';
import { MessageDecodeError, UnknownEventTypeError } from '../errors';
import type { IncomingMessage, OutgoingMessage } from '../ports';
import { JsonEventCodec, ProtobufEventCodec, mediaType, mediaTypeParameter } from './event-codec';
import { CE_HEADERS, fromKafkaMessage, toKafkaMessage } from './kafka-binding';

const registry = {
  'testing.whoami.answered.v1': {
    messageType: 'yiwang.testing.v1.WhoAmIResponse',
    encode: (d: WhoAmIResponse) => WhoAmIResponse.encode(d).finish(),
    decode: (b: Uint8Array) => WhoAmIResponse.decode(b),
  },
};

const event = (over: Partial<LoggedEvent> = {}): LoggedEvent => ({
  id: '01890a5d-ac96-774b-bcce-b302099a8057',
  type: 'testing.whoami.answered.v1',
  streamId: 'case-42',
  streamVersion: 3,
  position: 17,
  occurredAt: new Date('2025-03-01T08:00:00.000Z'),
  recordedAt: new Date('2025-03-01T08:00:01.500Z'),
  correlationId: 'corr-1',
  causationId: 'cause-1',
  actor: { subject: 'u-7', department: 'dept.sanitation', roles: ['handler'] },
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  commandId: 'cmd-9',
  data: { subject: 'u-7', department: 'dept.sanitation', roles: ['a', 'b'] },
  ...over,
});

/** What a consumer receives for what the relay sent: headers arrive as bytes. */
const delivered = (m: OutgoingMessage, offset = '5'): IncomingMessage => ({
  topic: m.topic,
  partition: 0,
  offset,
  key: typeof m.key === 'string' ? Buffer.from(m.key) : m.key,
  value: m.value,
  headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, Buffer.isBuffer(v) ? v : Buffer.from(v)])),
  timestamp: String(Date.now()),
});

describe('JsonEventCodec', () => {
  const codec = new JsonEventCodec();
  it('round-trips data as application/json', () => {
    const enc = codec.encode('x.v1', { a: 1, b: ['c'], n: null });
    expect(enc.contentType).toBe('application/json');
    expect(codec.decode(enc.contentType, 'x.v1', enc.bytes)).toEqual({ a: 1, b: ['c'], n: null });
    expect(codec.decode('application/cloudevents+json; charset=utf-8', 'x.v1', Buffer.from('[1]'))).toEqual([1]);
  });
  it('rejects other media types and broken JSON as undecodable', () => {
    expect(() => codec.decode('application/protobuf', 'x.v1', Buffer.from('{}'))).toThrow(MessageDecodeError);
    expect(() => codec.decode('application/json', 'x.v1', Buffer.from('{nope'))).toThrow(MessageDecodeError);
  });
});

describe('ProtobufEventCodec', () => {
  it('round-trips a registered type with its message name in the content type', () => {
    const codec = new ProtobufEventCodec(registry);
    const data = { subject: 's', department: 'd', roles: ['r1', 'r2'] };
    const enc = codec.encode('testing.whoami.answered.v1', data);
    expect(enc.contentType).toBe('application/protobuf; messageType=yiwang.testing.v1.WhoAmIResponse');
    expect(enc.dataschema).toBe('proto:yiwang.testing.v1.WhoAmIResponse');
    expect(Buffer.from(enc.bytes)).toEqual(Buffer.from(WhoAmIResponse.encode(data).finish()));
    expect(codec.decode(enc.contentType, 'testing.whoami.answered.v1', enc.bytes)).toEqual(data);
  });
  it('is strict by default: unregistered types throw on both sides', () => {
    const codec = new ProtobufEventCodec(registry);
    expect(() => codec.encode('other.v1', { a: 1 })).toThrow(UnknownEventTypeError);
    expect(() => codec.decode('application/protobuf; messageType=x.Y', 'other.v1', new Uint8Array())).toThrow(MessageDecodeError);
    expect(() => codec.decode('application/json', 'other.v1', Buffer.from('{}'))).toThrow(MessageDecodeError);
  });
  it('falls back to JSON for unregistered types when configured', () => {
    const codec = new ProtobufEventCodec(registry, { fallback: new JsonEventCodec() });
    const enc = codec.encode('other.v1', { a: 1 });
    expect(enc.contentType).toBe('application/json');
    expect(codec.decode(enc.contentType, 'other.v1', enc.bytes)).toEqual({ a: 1 });
  });
  it('refuses data that names another message type, or bytes that are not the message', () => {
    const codec = new ProtobufEventCodec(registry);
    expect(() =>
      codec.decode('application/protobuf; messageType=yiwang.other.v1.X', 'testing.whoami.answered.v1', new Uint8Array()),
    ).toThrow(/expected yiwang.testing.v1.WhoAmIResponse/);
    expect(() => codec.decode('application/protobuf', 'testing.whoami.answered.v1', Buffer.from([0x0a, 0xff, 0xff, 0xff]))).toThrow(
      MessageDecodeError,
    );
  });
  it('parses media types and parameters', () => {
    expect(mediaType('Application/Protobuf ; messageType=a.B')).toBe('application/protobuf');
    expect(mediaTypeParameter('application/protobuf; messagetype="a.B"', 'messageType')).toBe('a.B');
    expect(mediaTypeParameter(undefined, 'messageType')).toBeUndefined();
  });
});

describe('CloudEvents Kafka binding (binary mode)', () => {
  const protobuf = new ProtobufEventCodec(registry);
  it('maps the envelope to ce_ headers, key = stream id, data = value', () => {
    const m = toKafkaMessage('yiwang.test.events.v1', event(), { source: '/yiwang/test', codec: protobuf });
    expect(m.key).toBe('case-42');
    expect(m.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: '01890a5d-ac96-774b-bcce-b302099a8057',
      ce_type: 'testing.whoami.answered.v1',
      ce_source: '/yiwang/test',
      ce_time: '2025-03-01T08:00:00.000Z',
      ce_subject: 'case-42',
      ce_dataschema: 'proto:yiwang.testing.v1.WhoAmIResponse',
      'content-type': 'application/protobuf; messageType=yiwang.testing.v1.WhoAmIResponse',
      ce_streamversion: '3',
      ce_position: '17',
      ce_recordedat: '2025-03-01T08:00:01.500Z',
      ce_correlationid: 'corr-1',
      ce_causationid: 'cause-1',
      ce_actor: JSON.stringify({ subject: 'u-7', department: 'dept.sanitation', roles: ['handler'] }),
      ce_commandid: 'cmd-9',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
  });
  it('round-trips the whole envelope, protobuf and JSON', () => {
    expect(fromKafkaMessage(delivered(toKafkaMessage('t', event(), { source: '/yiwang/test', codec: protobuf })), protobuf)).toEqual(
      event(),
    );
    const json = new JsonEventCodec();
    const bare = event({ type: 'x.v1', causationId: null, commandId: null, traceparent: null, data: { k: [1, 2] } });
    const m = toKafkaMessage('t', bare, { source: '/yiwang/test', codec: json });
    expect(Object.keys(m.headers!)).not.toEqual(
      expect.arrayContaining([CE_HEADERS.causationid, CE_HEADERS.commandid, CE_HEADERS.traceparent]),
    );
    expect(fromKafkaMessage(delivered(m), json)).toEqual(bare);
  });
  it('reports messages that are not our CloudEvents as undecodable', () => {
    const good = delivered(toKafkaMessage('t', event(), { source: '/s', codec: protobuf }));
    const without = (name: string): IncomingMessage => ({ ...good, headers: { ...good.headers, [name]: undefined } });
    for (const name of [CE_HEADERS.id, CE_HEADERS.type, CE_HEADERS.subject, CE_HEADERS.position, CE_HEADERS.specversion]) {
      expect(() => fromKafkaMessage(without(name), protobuf)).toThrow(MessageDecodeError);
    }
    expect(() => fromKafkaMessage({ ...good, headers: { ...good.headers, ce_position: Buffer.from('x') } }, protobuf)).toThrow(
      /ce_position/,
    );
    expect(() => fromKafkaMessage({ ...good, headers: { ...good.headers, ce_actor: Buffer.from('{') } }, protobuf)).toThrow(/ce_actor/);
    expect(() => fromKafkaMessage({ ...good, value: Buffer.from([0xff, 0xff, 0xff]) }, protobuf)).toThrow(MessageDecodeError);
    expect(() => fromKafkaMessage({ ...good, headers: {} }, protobuf)).toThrow(MessageDecodeError);
  });
});
