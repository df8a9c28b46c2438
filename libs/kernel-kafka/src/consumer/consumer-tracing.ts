import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace, type Span, type TextMapGetter } from '@opentelemetry/api';
import { headerString, type IncomingHeaders, type IncomingMessage } from '../ports';

const tracer = trace.getTracer('@yiwang/kernel');

/** Reads W3C trace context (`traceparent`, `tracestate`) from Kafka headers. */
const headerGetter: TextMapGetter<IncomingHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => headerString(carrier, key),
};

/**
 * Runs `fn` inside a CONSUMER span that continues the producer's trace (the `traceparent` header,
 * which the relay copies from the envelope, i.e. the command that caused the event) — so one trace
 * shows the command, and every consumer that reacted to its events.
 */
export function withConsumerSpan<T>(message: IncomingMessage, group: string, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = propagation.extract(ROOT_CONTEXT, message.headers, headerGetter);
  const span = tracer.startSpan(
    `process ${message.topic}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.destination.name': message.topic,
        'messaging.destination.partition.id': String(message.partition),
        'messaging.consumer.group.name': group,
        'messaging.kafka.offset': Number(message.offset),
        ...(message.key ? { 'messaging.kafka.message.key': message.key.toString('utf8') } : {}),
        ...(message.headers.ce_id ? { 'messaging.message.id': message.headers.ce_id.toString('utf8') } : {}),
        ...(message.headers.ce_type ? { 'yiwang.event_type': message.headers.ce_type.toString('utf8') } : {}),
      },
    },
    parent,
  );
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      return await fn(span);
    } catch (e) {
      span.recordException(e as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
      throw e;
    } finally {
      span.end();
    }
  });
}
