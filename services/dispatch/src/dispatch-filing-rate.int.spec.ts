// The filing rate (立案率 = filed / received) from intake's events on the real broker: reports
// received, filed, rejected and merged as duplicates, counted per district and category, in
// GetIndicators, GetRanking and the HTTP read API, with the formula of data/indicators.json.
import { type GetIndicatorsResponse, type GetRankingResponse } from '@yiwang/proto/yiwang/dispatch/v1/dispatch_service';
import { signToken } from '@yiwang/platform';
import { TestClock } from '@yiwang/kernel-core';
import { startDispatchService, type DispatchService } from './service';
import { call, client, people, publishReportStream, SECRET, testEnvironment, until } from './dispatch.test-helpers';

let env: Awaited<ReturnType<typeof testEnvironment>>;
let service: DispatchService;
const clock = new TestClock('2025-03-04T10:00:00+08:00'); // Tuesday; reports came in on Monday

beforeAll(async () => {
  env = await testEnvironment(__filename);
  service = await startDispatchService(env.config, { clock });
});
afterAll(async () => {
  await service?.stop();
  await env?.t.close();
});

const DISTRICT = 2;
const CATEGORY = 3;

it('counts received, filed and rejected reports per district and category and computes the filing rate', async () => {
  const topic = env.config.intakeTopic;
  await publishReportStream(env.broker, topic, 'R-FR-1', { steps: ['filed'] });
  await publishReportStream(env.broker, topic, 'R-FR-2', { steps: ['rejected'] });
  await publishReportStream(env.broker, topic, 'R-FR-3', { steps: [] }); // awaiting the centre
  await publishReportStream(env.broker, topic, 'R-FR-4', { steps: ['duplicate'] });
  await publishReportStream(env.broker, topic, 'R-FR-5', {
    district: '山阳区',
    code: 'component.01.01',
    channel: 'inspector',
    steps: ['filed'],
  });
  // Last week's reception does not count this week.
  await publishReportStream(env.broker, topic, 'R-FR-6', { receivedAt: new Date('2025-02-25T02:00:00Z'), steps: [] });

  const centre = await client(service.grpcAddress, people.centre);
  try {
    const rate = (r: GetIndicatorsResponse, key: string) =>
      r.rows.find((x) => x.key === key)?.indicators.find((i) => i.id === 'filingRate');
    const byDistrict = await until(
      async () => {
        const r = await call<object, GetIndicatorsResponse>(centre, 'getIndicators', { dimension: DISTRICT });
        // Every report's last event counted (received and decided), not just its reception: the
        // counters are eventually consistent and a filing may land after its report's reception.
        const [a, b] = [rate(r, '解放区'), rate(r, '山阳区')];
        return a?.denominator === 4 && a.numerator === 1 && b?.denominator === 1 && b.numerator === 1 ? r : null;
      },
      40_000,
      'report counters',
    );
    expect(rate(byDistrict, '解放区')).toMatchObject({ numerator: 1, denominator: 4, rate: 0.25 });
    expect(rate(byDistrict, '山阳区')).toMatchObject({ numerator: 1, denominator: 1, rate: 1 });

    const byCategory = await call<object, GetIndicatorsResponse>(centre, 'getIndicators', { dimension: CATEGORY });
    expect(rate(byCategory, 'event.01.02')).toMatchObject({ numerator: 1, denominator: 4 });
    expect(rate(byCategory, 'component.01.01')).toMatchObject({ numerator: 1, denominator: 1 });

    // Last week: only R-FR-6, received and not filed.
    // Its own partition may be counted a moment after this week's: wait for it too.
    const lastWeek = await until(
      async () => {
        const r = await call<object, GetIndicatorsResponse>(centre, 'getIndicators', {
          dimension: DISTRICT,
          from: '2025-02-24T00:00:00+08:00',
          to: '2025-03-03T00:00:00+08:00',
        });
        return rate(r, '解放区') ? r : null;
      },
      40_000,
      "last week's counters",
    );
    expect(rate(lastWeek, '解放区')).toMatchObject({ numerator: 0, denominator: 1, rate: 0 });

    const ranking = await call<object, GetRankingResponse>(centre, 'getRanking', { indicatorId: 'filingRate', dimension: DISTRICT });
    expect(ranking.rows.find((r) => r.key === '山阳区')).toMatchObject({ rank: 1, rateText: '100.00%' });
    expect(ranking.rows.find((r) => r.key === '解放区')).toMatchObject({ rank: 2, rateText: '25.00%' });

    // Redelivered and later events: a re-published stream changes nothing; a late filing counts.
    await publishReportStream(env.broker, topic, 'R-FR-1', { steps: ['filed'] });
    await publishReportStream(env.broker, topic, 'R-FR-3', { steps: ['filed'] });
    await until(
      async () => {
        const r = await call<object, GetIndicatorsResponse>(centre, 'getIndicators', { dimension: DISTRICT });
        return rate(r, '解放区')?.numerator === 2 ? r : null;
      },
      30_000,
      'the late filing',
    );
    const after = await call<object, GetIndicatorsResponse>(centre, 'getIndicators', { dimension: DISTRICT });
    expect(rate(after, '解放区')).toMatchObject({ numerator: 2, denominator: 4, rate: 0.5 });

    const auth = { authorization: `Bearer ${await signToken(people.centre, { secret: SECRET })}` };
    const res = await fetch(`${service.httpAddress}/v1/indicators?dimension=district`, { headers: auth });
    const body = (await res.json()) as {
      rows: Array<{ key: string; indicators: Record<string, { numerator: number; denominator: number }> }>;
    };
    expect(body.rows.find((r) => r.key === '解放区')?.indicators['filingRate']).toMatchObject({ numerator: 2, denominator: 4 });
  } finally {
    centre.close();
  }
});
