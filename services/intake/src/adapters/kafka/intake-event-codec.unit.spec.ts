import { filed, markedDuplicate, withContact, closedEvent, rejected } from '../../domain/report/report-fixtures';
import { intakeEventCodec } from './intake-event-codec';
import { reportIdsOf } from './dispatch-events-consumer';

const utc = (s: string) => new Date(s).toISOString();

describe('intake event codec (protobuf)', () => {
  const codec = intakeEventCodec();
  it.each([withContact, filed('rule'), rejected, markedDuplicate, closedEvent])('round-trips $type', (event) => {
    const encoded = codec.encode(event.type, event.data);
    expect(encoded.contentType).toMatch(/^application\/protobuf; messageType=yiwang\.intake\.v1\./);
    const back = codec.decode(encoded.contentType, event.type, encoded.bytes) as Record<string, unknown>;
    const normalised = Object.fromEntries(
      Object.entries(event.data as Record<string, unknown>).map(([k, v]) => [k, /At$/.test(k) ? utc(v as string) : v]),
    );
    expect(back).toEqual(normalised);
  });
  it('refuses event types without a message', () => {
    expect(() => codec.encode('intake.unknown.v1', {})).toThrow();
  });
});

it('reads report ids from dispatch events, single or listed', () => {
  expect(reportIdsOf({ reportId: 'R1' })).toEqual(['R1']);
  expect(reportIdsOf({ reportIds: ['R1', 'R2', 3] })).toEqual(['R1', 'R2']);
  expect(reportIdsOf({})).toEqual([]);
});
