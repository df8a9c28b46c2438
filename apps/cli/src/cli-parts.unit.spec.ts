// The CLI's pure parts: times as the bureau writes them, CSV quoting, cursor files' shape, and the
// rebuild comparison's normal form.
import { decodeCursor, encodeCursor } from '@yiwang/event-log';
import { csvHeader, csvLine, exportRow } from './export-format';
import { canonical } from './rebuild/compare';
import { parsePosition, parseTime } from './values';

it('reads times with a zone as given and local dates/times in Shanghai', () => {
  expect(parseTime('2025-03-03T08:00:00Z', 'from').toISOString()).toBe('2025-03-03T08:00:00.000Z');
  expect(parseTime('2025-03-03T08:00+08:00', 'from').toISOString()).toBe('2025-03-03T00:00:00.000Z');
  expect(parseTime('2025-03-03', 'from').toISOString()).toBe('2025-03-02T16:00:00.000Z');
  expect(parseTime('2025-03-03T09:30', 'from').toISOString()).toBe('2025-03-03T01:30:00.000Z');
  expect(() => parseTime('yesterday', 'from')).toThrow('bad time for --from: "yesterday"');
  expect(() => parseTime('2025-13-45', 'to')).toThrow('bad time for --to');
  expect(() => parsePosition('-1', 'after')).toThrow('bad position for --after');
  expect(parsePosition('42', 'after')).toBe(42);
});

it('writes CSV rows with RFC 4180 quoting and the data as one JSON cell', () => {
  const event = {
    id: '0193-x',
    type: 'intake.report.received.v1',
    streamId: 'report-R1',
    streamVersion: 1,
    position: 7,
    occurredAt: new Date('2025-03-03T00:00:00Z'),
    recordedAt: new Date('2025-03-03T00:00:01Z'),
    correlationId: 'c',
    causationId: null,
    actor: { subject: 'zhang, wei', department: 'centre.supervision', roles: ['inspector'] },
    traceparent: null,
    commandId: null,
    data: { description: '路边 "垃圾"\n堆放' },
  };
  const row = exportRow({ event }, 'intake');
  expect(csvHeader().split(',')).toHaveLength(16);
  expect(csvLine(row)).toBe(
    `7,0193-x,intake.report.received.v1,report-R1,1,2025-03-03T00:00:00.000Z,2025-03-03T00:00:01.000Z,c,,"zhang, wei",centre.supervision,,intake,,,"{""description"":""路边 \\""垃圾\\""\\n堆放""}"\n`,
  );
  expect(row).not.toHaveProperty('kafka');
});

it('keeps log cursors opaque but strict', () => {
  expect(decodeCursor(encodeCursor(1234))).toBe(1234);
  expect(() => decodeCursor('1234')).toThrow('not a log cursor');
  expect(() => decodeCursor('log1.-5')).toThrow('not a log cursor');
});

it('compares documents with key order and the order of id-keyed rows ignored, nothing else', () => {
  const a = {
    weekStart: 'w',
    rows: [
      { caseId: 'C2', n: 1 },
      { caseId: 'C1', n: 2 },
    ],
    list: [3, 1],
  };
  const b = {
    list: [3, 1],
    rows: [
      { n: 2, caseId: 'C1' },
      { caseId: 'C2', n: 1 },
    ],
    weekStart: 'w',
  };
  expect(JSON.stringify(canonical(a))).toBe(JSON.stringify(canonical(b)));
  expect(JSON.stringify(canonical({ list: [1, 3] }))).not.toBe(JSON.stringify(canonical({ list: [3, 1] })));
  expect(JSON.stringify(canonical({ rows: [{ caseId: 'C1', n: 1 }] }))).not.toBe(
    JSON.stringify(canonical({ rows: [{ caseId: 'C1', n: 2 }] })),
  );
});
