import { context, propagation, ROOT_CONTEXT, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { type Metadata } from '@grpc/grpc-js';

// W3C trace context is fixed by the architecture, so it is used directly rather than through the
// global propagator, which is a no-op until telemetry is started (e.g. in tests).
const w3c = new W3CTraceContextPropagator();

const getter: TextMapGetter<Metadata> = {
  keys: (md) => Object.keys(md.getMap()),
  get: (md, key) => {
    const values = md.get(key).filter((v): v is string => typeof v === 'string');
    return values.length === 0 ? undefined : values.length === 1 ? values[0] : values;
  },
};

const setter: TextMapSetter<Metadata> = {
  set: (md, key, value) => md.set(key, value),
};

/** The context a caller sent in its `traceparent`/`tracestate` metadata (ROOT when absent). */
export function extractTraceContext(metadata: Metadata): Context {
  const extracted = w3c.extract(ROOT_CONTEXT, metadata, getter);
  // Keep baggage too when a global propagator (started telemetry) knows how to read it.
  return propagation.extract(extracted, metadata, getter);
}

/** Writes the active (or given) trace context into outgoing metadata. */
export function injectTraceContext(metadata: Metadata, ctx: Context = context.active()): void {
  w3c.inject(ctx, metadata, setter);
}
