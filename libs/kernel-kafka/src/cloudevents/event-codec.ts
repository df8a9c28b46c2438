import { MessageDecodeError, UnknownEventTypeError } from '../errors';

/** Event data as bytes, with what a reader needs to decode them. */
export interface EncodedData {
  /** The `content-type` header, e.g. `application/json`. */
  readonly contentType: string;
  /** The CloudEvents `dataschema` attribute, when the codec knows one. */
  readonly dataschema?: string;
  readonly bytes: Uint8Array;
}

/** Turns an event's `data` into bytes and back; the event type picks the schema. */
export interface EventCodec {
  encode(type: string, data: unknown): EncodedData;
  /** Throws {@link MessageDecodeError} when the bytes cannot be this type's data. */
  decode(contentType: string | undefined, type: string, bytes: Uint8Array): unknown;
}

/** The media type without parameters, lower-cased: `application/json; charset=utf-8` → `application/json`. */
export const mediaType = (contentType: string | undefined): string => (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/** A media-type parameter (names compared case-insensitively), e.g. `messageType`. */
export function mediaTypeParameter(contentType: string | undefined, name: string): string | undefined {
  for (const part of (contentType ?? '').split(';').slice(1)) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim().toLowerCase() === name.toLowerCase())
      return part
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

const isJson = (m: string): boolean => m === 'application/json' || (m.startsWith('application/') && m.endsWith('+json'));

/**
 * JSON data (`application/json`), the mode for humans and for event types without a protobuf
 * message yet. Dates become ISO strings on the way out and stay strings on the way in.
 */
export class JsonEventCodec implements EventCodec {
  static readonly contentType = 'application/json';

  encode(_type: string, data: unknown): EncodedData {
    return { contentType: JsonEventCodec.contentType, bytes: Buffer.from(JSON.stringify(data ?? null), 'utf8') };
  }

  decode(contentType: string | undefined, type: string, bytes: Uint8Array): unknown {
    const m = mediaType(contentType);
    if (!isJson(m)) throw new MessageDecodeError(`cannot decode ${contentType ?? '(no content-type)'} as JSON`, { type, contentType });
    try {
      return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'));
    } catch (e) {
      throw new MessageDecodeError(`invalid JSON data for ${type}: ${(e as Error).message}`, { type, contentType });
    }
  }
}

/** One event type's protobuf message. ts-proto's `MessageFns` fit: `{ messageType, encode: (d) => X.encode(d).finish(), decode: X.decode }`. */
export interface ProtobufMessageCodec<Data = unknown> {
  /** Full protobuf name, e.g. `yiwang.intake.v1.ReportFiled`. */
  readonly messageType: string;
  encode(data: Data): Uint8Array;
  decode(bytes: Uint8Array): Data;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a registry holds codecs of many data types
export type ProtobufRegistry = Readonly<Record<string, ProtobufMessageCodec<any>>>;

export interface ProtobufEventCodecOptions {
  /**
   * Codec for event types not in the registry (and for reading data it wrote). `'strict'` (the
   * default) throws instead: an event without a schema should not reach subscribers by accident.
   */
  readonly fallback?: EventCodec | 'strict';
}

/**
 * Protobuf data, as the architecture asks, so any subscriber decodes it with standard tools.
 *
 * Content type: `application/protobuf; messageType=<full name>`. `application/protobuf` is the
 * media type the CloudEvents protobuf format uses; the `messageType` parameter (the convention of
 * Confluent's and Buf's tooling) names the message so a reader needs no lookup by event type. The
 * same name goes into `dataschema` as `proto:<full name>` for CloudEvents-aware tools.
 */
export class ProtobufEventCodec implements EventCodec {
  static readonly mediaType = 'application/protobuf';
  private readonly fallback: EventCodec | null;

  constructor(
    private readonly registry: ProtobufRegistry,
    options: ProtobufEventCodecOptions = {},
  ) {
    this.fallback = options.fallback === undefined || options.fallback === 'strict' ? null : options.fallback;
  }

  encode(type: string, data: unknown): EncodedData {
    const entry = this.registry[type];
    if (!entry) {
      if (this.fallback) return this.fallback.encode(type, data);
      throw new UnknownEventTypeError(type);
    }
    return {
      contentType: `${ProtobufEventCodec.mediaType}; messageType=${entry.messageType}`,
      dataschema: `proto:${entry.messageType}`,
      bytes: entry.encode(data),
    };
  }

  decode(contentType: string | undefined, type: string, bytes: Uint8Array): unknown {
    const m = mediaType(contentType);
    if (m !== ProtobufEventCodec.mediaType && m !== 'application/x-protobuf') {
      if (this.fallback) return this.fallback.decode(contentType, type, bytes);
      throw new MessageDecodeError(`event ${type} carries ${contentType ?? 'no content-type'}, not protobuf`, { type, contentType });
    }
    const entry = this.registry[type];
    if (!entry) throw new MessageDecodeError(`no protobuf message registered for event type ${type}`, { type, contentType });
    const named = mediaTypeParameter(contentType, 'messageType');
    if (named !== undefined && named !== entry.messageType) {
      throw new MessageDecodeError(`event ${type} carries ${named}, expected ${entry.messageType}`, { type, contentType });
    }
    try {
      return entry.decode(bytes);
    } catch (e) {
      throw new MessageDecodeError(`invalid ${entry.messageType} data for ${type}: ${(e as Error).message}`, { type, contentType });
    }
  }
}
