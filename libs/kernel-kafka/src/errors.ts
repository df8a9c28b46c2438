/**
 * A message that can never be turned into an event (missing CloudEvents headers, bytes the codec
 * cannot read, an event type nobody registered). Retrying cannot help: consumers dead-letter it.
 */
export class MessageDecodeError extends Error {
  constructor(
    message: string,
    readonly context: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'MessageDecodeError';
  }
}

/** An event type the codec has no schema for, in strict mode (a programming error on the producing side). */
export class UnknownEventTypeError extends Error {
  constructor(readonly eventType: string) {
    super(`no codec registered for event type ${eventType}`);
    this.name = 'UnknownEventTypeError';
  }
}
