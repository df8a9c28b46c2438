import { Writable } from 'node:stream';
import { startTelemetry } from '../telemetry/telemetry';
import { createLogger } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, destination };
}

describe('createLogger', () => {
  it('stamps the service, and the trace and span ids while a span is active', async () => {
    const telemetry = startTelemetry({ serviceName: 'logger-test' });
    try {
      const { lines, destination } = capture();
      const logger = createLogger({ service: 'intake', destination });
      logger.info('outside');
      const ids = await telemetry.tracer('test').startActiveSpan('work', async (span) => {
        await Promise.resolve(); // across an await, as real handlers log
        logger.info('inside');
        span.end();
        return span.spanContext();
      });
      expect(lines[0]).toMatchObject({ service: 'intake', msg: 'outside' });
      expect(lines[0]).not.toHaveProperty('trace_id');
      expect(lines[1]).toMatchObject({ service: 'intake', msg: 'inside', trace_id: ids.traceId, span_id: ids.spanId, trace_flags: '01' });
    } finally {
      await telemetry.shutdown();
    }
  });

  it('never writes an authorization header', () => {
    const { lines, destination } = capture();
    createLogger({ service: 'intake', destination }).info({ headers: { authorization: 'Bearer secret.jwt' } }, 'request');
    expect(JSON.stringify(lines[0])).not.toContain('secret.jwt');
  });
});
