import type { IncomingMessage } from '../ports';
import { Wakeup } from '@yiwang/kernel-core';
import { DEFAULT_RETRY_POLICY, backoffDelay } from './backoff';
import { deadLetterMessage } from './dead-letter';

describe('backoffDelay', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, initialDelayMs: 100, maxDelayMs: 1_000, factor: 2, jitter: 0 };
  it('doubles from the initial delay up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(a, policy))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it('randomises the jittered share only', () => {
    const j = { ...policy, jitter: 0.5 };
    expect(backoffDelay(2, j, () => 0)).toBe(100);
    expect(backoffDelay(2, j, () => 1)).toBe(200);
  });
});

describe('deadLetterMessage', () => {
  it('keeps key, value and headers and adds where and why it failed', () => {
    const original: IncomingMessage = {
      topic: 'yiwang.a.events.v1',
      partition: 2,
      offset: '41',
      key: Buffer.from('k'),
      value: Buffer.from([1, 2]),
      headers: { ce_id: Buffer.from('e1') },
      timestamp: '0',
    };
    const err = new TypeError('boom');
    const m = deadLetterMessage(original, err, 'grp', new Date('2025-01-01T00:00:00Z'));
    expect(m).toEqual({
      topic: 'yiwang.a.events.v1.dlq',
      key: original.key,
      value: original.value,
      headers: {
        ce_id: Buffer.from('e1'),
        dlq_error: 'boom',
        dlq_error_type: 'TypeError',
        dlq_original_topic: 'yiwang.a.events.v1',
        dlq_partition: '2',
        dlq_offset: '41',
        dlq_group: 'grp',
        dlq_failed_at: '2025-01-01T00:00:00.000Z',
      },
    });
  });
});

describe('Wakeup', () => {
  it('ends a wait early, and remembers a wake that came while nobody waited', async () => {
    const w = new Wakeup();
    const t0 = Date.now();
    const waiting = w.wait(10_000);
    w.wake();
    await waiting;
    w.wake();
    await w.wait(10_000);
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
});
