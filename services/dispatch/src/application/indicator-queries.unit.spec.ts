// The indicator queries over a fixed history: a period's figures are those at its end, whatever
// the cases did after it (a past period is frozen, a later one counts the closures); last week's
// ranking column is reproducible; GetIndicators and GetRanking give one total for every
// dimension and indicator, including the filing rate of a table per unit.
import { TestClock } from '@yiwang/kernel-core';
import {
  caseDecider,
  caseRow,
  shippedIndicatorConfig,
  shippedResponsibilityMatrix,
  applyReportEvent,
  storedReportRow,
  weekKey,
  weekStartDay,
  type CaseCommand,
  type CaseEvent,
  type CaseState,
  type StoredCounterRow,
  type UnitId,
  type WeekDoc,
} from '../domain';
import { commandCentre, inspector, otherUnitActor, OTHER_UNIT, unitActor, UNIT } from '../domain/case/case-fixtures';
import { IndicatorQueries, type Dimension } from './indicator-queries';

const t = (day: string, hhmm: string) => `2025-03-${day}T${hhmm}:00+08:00`;

/** One case driven through the decider, as the service would (commands in, events out). */
class Case {
  private state: CaseState = caseDecider.initialState();
  readonly events: CaseEvent[] = [];
  constructor(
    readonly id: string,
    private readonly unit: UnitId,
    opened: string,
    deadline: string,
  ) {
    this.run({
      type: 'OpenCase',
      actor: commandCentre,
      data: {
        caseId: id,
        reportId: `R-${id}`,
        category: 'event.01.02',
        cellId: '410802001001001',
        district: '解放区',
        urgency: 'normal',
        unitId: unit,
        deadline,
        at: opened,
      },
    });
  }
  private run(command: CaseCommand): this {
    for (const e of caseDecider.decide(command, this.state)) {
      this.state = caseDecider.evolve(this.state, e);
      this.events.push(e);
    }
    return this;
  }
  private get actor() {
    return this.unit === OTHER_UNIT ? otherUnitActor : unitActor;
  }
  handled(at: string): this {
    if (this.state.status === 'dispatched') this.run({ type: 'SignFor', actor: this.actor, data: { at } });
    return this.run({ type: 'ReportHandling', actor: this.actor, data: { notes: '已处置', photoRefs: [], at } });
  }
  closed(at: string): this {
    return this.run({ type: 'Verify', actor: inspector, data: { outcome: 'passed', notes: '', photoRefs: [], at } });
  }
  suspended(at: string): this {
    this.run({ type: 'SignFor', actor: this.actor, data: { at } });
    this.run({ type: 'ApplyForSuspension', actor: this.actor, data: { reason: '需协调', at } });
    return this.run({ type: 'DecideSuspension', actor: commandCentre, data: { approve: true, note: '', at } });
  }
  extended(at: string, to: string): this {
    this.run({ type: 'SignFor', actor: this.actor, data: { at } });
    this.run({ type: 'ApplyForExtension', actor: this.actor, data: { requestedDeadline: to, reason: '需调派车辆', at } });
    return this.run({ type: 'DecideExtension', actor: commandCentre, data: { approve: true, note: '', at } });
  }
}

/** Monday 3 March: cases opened at 09:00, due at 12:00. Three close at 20:54, one a week later. */
function history(): Case[] {
  const day = (hhmm: string) => t('03', hhmm);
  const cases = [
    ...[1, 2, 3].map((i) => new Case(`A${i}`, UNIT, day('09:00'), day('12:00')).handled(day('11:00')).closed(day('11:30'))),
    ...[1, 2].map((i) => new Case(`B${i}`, UNIT, day('09:00'), day('12:00')).handled(day('11:00'))), // on time, checked at 20:54
    new Case('C1', OTHER_UNIT, day('09:00'), day('12:00')).handled(day('20:00')), // late, checked at 20:54
    new Case('D1', UNIT, day('09:00'), day('12:00')).suspended(day('10:00')),
    new Case('E1', OTHER_UNIT, day('09:00'), day('12:00')).extended(day('10:00'), t('04', '18:00')), // closed on the 11th
    new Case('W2', UNIT, t('11', '09:00'), t('11', '12:00')).handled(t('11', '10:00')).closed(t('11', '10:30')),
  ];
  for (const c of cases.filter((x) => /^[BC]/.test(x.id))) c.closed(day('20:54'));
  cases
    .find((c) => c.id === 'E1')!
    .handled(t('11', '15:00'))
    .closed(t('11', '15:30'));
  return cases;
}

/** 43 reports received on Monday, 40 filed: the filing rate has no unit, only a total. */
function reportRows(): StoredCounterRow[] {
  return Array.from({ length: 43 }, (_, i) => {
    const received = applyReportEvent(
      null,
      'intake.report.received.v1',
      { reportId: `R${i}`, category: { code: 'event.01.02' }, cell: { district: '解放区' }, receivedAt: t('03', '08:00') },
      1,
    )!;
    const row =
      i < 40
        ? applyReportEvent(
            received,
            'intake.report.filed.v1',
            { reportId: `R${i}`, by: 'rule', cell: { district: '解放区' }, filedAt: t('03', '08:30') },
            2,
          )!
        : received;
    return storedReportRow(row);
  });
}

function queries(clock: TestClock, cases: readonly Case[]): IndicatorQueries {
  const weeks = new Map<string, WeekDoc>();
  for (const c of cases) {
    const row = caseRow(c.events)!;
    const key = weekKey(weekStartDay(Date.parse(row.openedAt)));
    weeks.set(key, { weekStart: '', rows: [...(weeks.get(key)?.rows ?? []), row] });
  }
  const reports = reportRows();
  return new IndicatorQueries({
    clock,
    matrix: shippedResponsibilityMatrix(),
    indicators: shippedIndicatorConfig(),
    weeks: async () => ({ get: async (id) => weeks.get(id) ?? null }),
    reportRows: async (days) => reports.filter((r) => days.includes(weekStartDay(Date.parse(r.openedAt)))),
  });
}

const pick = (total: Record<string, { numerator: number; denominator: number }>, ...ids: string[]) =>
  Object.fromEntries(ids.map((id) => [id, `${total[id]!.numerator}/${total[id]!.denominator}`]));
const RATES = ['closureRate', 'onTimeClosureRate', 'onTimeDisposalRate', 'verificationRate'];

describe('a period is evaluated as of its end', () => {
  const cases = history();

  it('a period ending at 20:53 does not count the three cases closed at 20:54; one ending at midnight does', async () => {
    const q = queries(new TestClock(t('12', '12:00')), cases);
    const before = await q.indicators('unit', t('03', '00:00'), t('03', '20:53'));
    // Due and not suspended: A1–A3, B1, B2, C1 (E1 was extended, D1 suspended). Closed: A1–A3 only.
    expect(pick(before.total, ...RATES)).toEqual({
      closureRate: '3/6',
      onTimeClosureRate: '3/6',
      onTimeDisposalRate: '5/6',
      verificationRate: '3/6',
    });
    const after = await q.indicators('unit', t('03', '00:00'), t('04', '00:00'));
    expect(pick(after.total, ...RATES)).toEqual({
      closureRate: '6/6',
      onTimeClosureRate: '5/6',
      onTimeDisposalRate: '5/6',
      verificationRate: '6/6',
    });
  });

  it('a past period gives the same figures whenever it is asked: at its end, the next week, a month on', async () => {
    const clock = new TestClock(t('03', '20:53'));
    const q = queries(clock, cases);
    const asked = async () => JSON.stringify(await q.indicators('unit', t('03', '00:00'), t('03', '20:53')));
    const atEnd = await asked();
    for (const later of [t('04', '09:00'), t('11', '16:00'), t('31', '00:00')]) {
      clock.set(later);
      expect(await asked()).toBe(atEnd);
    }
  });

  it('the ranking compares with last week as it stood at its end, so its change is reproducible', async () => {
    const clock = new TestClock(t('11', '12:00'));
    const q = queries(clock, cases);
    const row = async () => (await q.ranking('closureRate', 'unit', t('11', '12:00'))).table.rows.find((r) => r.key === OTHER_UNIT)!;
    const monday = await row();
    // Last week, as of Monday 10 March 00:00: C1 closed, E1 due since the 4th and still open.
    expect(monday).toMatchObject({ previousRate: 0.5 });
    clock.set(t('12', '09:00')); // E1 closed on the 11th, after last week ended
    expect(await row()).toEqual(monday);
    // Asked about last week itself, the same figures.
    const lastWeek = (await q.ranking('closureRate', 'unit', t('05', '12:00'))).table.rows.find((r) => r.key === OTHER_UNIT)!;
    expect(lastWeek).toMatchObject({ numerator: 1, denominator: 2, rate: 0.5 });
  });
});

describe('one total, whichever call', () => {
  const config = shippedIndicatorConfig();

  it('GetIndicators and GetRanking give the same totals and rows for every dimension and indicator', async () => {
    const q = queries(new TestClock(t('12', '12:00')), history());
    for (const weekOf of [t('05', '12:00'), t('12', '12:00')]) {
      const start = new Date(Date.parse(t('03', '00:00')) + (weekOf.startsWith('2025-03-12') ? 7 : 0) * 86_400_000);
      const to = new Date(start.getTime() + 7 * 86_400_000);
      for (const dimension of ['unit', 'district'] as const satisfies readonly Dimension[]) {
        const indicators = await q.indicators(dimension, start.toISOString(), to.toISOString());
        for (const id of config.keys()) {
          const { table } = await q.ranking(id, dimension, weekOf);
          const { numerator, denominator, rate } = indicators.total[id]!;
          expect({ dimension, id, total: table.total }).toEqual({ dimension, id, total: { numerator, denominator, rate } });
          for (const row of indicators.rows)
            expect(table.rows.find((r) => r.key === row.key)).toMatchObject({
              numerator: row.indicators[id]!.numerator,
              denominator: row.indicators[id]!.denominator,
            });
        }
      }
    }
  });

  it('the filing rate of a table per unit: 40/43 in both calls, though no unit owns a report', async () => {
    const q = queries(new TestClock(t('05', '12:00')), history());
    expect((await q.indicators('unit')).total['filingRate']).toMatchObject({ numerator: 40, denominator: 43 });
    expect((await q.ranking('filingRate', 'unit')).table.total).toMatchObject({ numerator: 40, denominator: 43 });
  });
});
