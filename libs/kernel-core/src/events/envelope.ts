/** Who did something. Carried in every envelope; the department is what authorisation checks. */
export interface Actor {
  readonly subject: string;
  readonly department?: string;
  readonly roles?: readonly string[];
}

/** What a handler supplies beside the event itself; the store fills in the rest. */
export interface EventMetadata {
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly actor?: Actor;
  readonly traceparent?: string;
  /** Idempotency key of the command that produced the event; a retried command is answered from it. */
  readonly commandId?: string;
  readonly occurredAt?: Date;
}

export interface NewEvent<Type extends string = string, Data = unknown> {
  /** Versioned event type, e.g. `dispatch.case.dispatched.v1`. */
  readonly type: Type;
  readonly data: Data;
  readonly metadata?: EventMetadata;
}

/** An event as stored and as published: the envelope from the architecture brief. */
export interface RecordedEvent<Type extends string = string, Data = unknown> {
  /** UUIDv7: sortable by creation time, unique across services. */
  readonly id: string;
  readonly type: Type;
  readonly streamId: string;
  /** 1 for the first event of a stream. */
  readonly streamVersion: number;
  /** Place in the service-wide ordered log, from 1; null when read from a stream (positions belong to the log). */
  readonly position: number | null;
  readonly occurredAt: Date;
  readonly recordedAt: Date;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly actor: Actor;
  readonly traceparent: string | null;
  readonly commandId: string | null;
  readonly data: Data;
}

/** An event read from the ordered log: its position is always known. */
export type LoggedEvent<Type extends string = string, Data = unknown> = RecordedEvent<Type, Data> & { readonly position: number };
