import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { oneOf } from '../config/schema';

export type { Logger } from 'pino';

/** Log levels a service accepts in `LOG_LEVEL`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Config fragment for a service schema: `LOG_LEVEL` (default `info`). */
export const loggingConfigVars = {
  logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, { default: 'info' }),
};

export interface LoggerSettings {
  /** Becomes the `service` field of every line. */
  readonly service: string;
  readonly level?: LogLevel;
  /** Where lines go; stdout when omitted. Tests pass a stream to read what was logged. */
  readonly destination?: DestinationStream;
  /** Extra fields on every line (e.g. version, instance id). */
  readonly base?: Readonly<Record<string, unknown>>;
}

/**
 * A pino logger for one service. Every line carries `service` and, when an OpenTelemetry span is
 * active, `trace_id` / `span_id` — so a log line leads to its trace in the viewer and back.
 * Lines are JSON on purpose (collectors parse them); pipe through `pino-pretty` to read locally.
 */
export function createLogger(settings: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { service: settings.service, ...settings.base },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Field names as the OpenTelemetry log data model spells them, so collectors correlate them.
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const { traceId, spanId, traceFlags } = span.spanContext();
      return { trace_id: traceId, span_id: spanId, trace_flags: `0${traceFlags.toString(16)}`.slice(-2) };
    },
    serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    // Tokens must never reach the logs, whatever a caller decides to log.
    redact: { paths: ['authorization', '*.authorization', 'headers.authorization', 'req.headers.authorization'], censor: '[redacted]' },
  };
  return settings.destination ? pino(options, settings.destination) : pino(options);
}
