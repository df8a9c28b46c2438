// Property test: random case histories, produced by the case decider itself from random commands
// at random times, evaluated at many period ends. Every rate of the shipped formulas lies within
// [0, 1]; every implication the formula check relies on holds; a stored row evaluated at a moment
// equals the case folded from the events that had happened by then (the case-at rule).
import { fold } from '@yiwang/kernel-core';
import { caseDecider } from '../case/case-decider';
import { type CaseCommand } from '../case/case-commands';
import { type CaseEvent } from '../case/case-events';
import { type CaseState } from '../case/case-state';
import { commandCentre, inspector, otherUnitActor, OTHER_UNIT, scheduler, supervisionCentre, unitActor, UNIT } from '../case/case-fixtures';
import { caseRow, caseRowAsOf, type CaseCounterName, type Counters } from './case-counters';
import { caseEventInstant } from './case-timeline';
import { evaluateRows, IMPLIED, shippedIndicatorConfig } from './indicator-formulas';
import { applyReportEvent, reportCountersAsOf, type ReportCounterRow } from './report-counters';

/** mulberry32: a small seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const START = Date.parse('2025-03-03T00:00:00+08:00');
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** One case's history over about three weeks: whatever the decider accepts of random commands. */
function randomHistory(rnd: () => number, n: number): CaseEvent[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  let now = START + Math.floor(rnd() * 14 * 24) * HOUR;
  let state: CaseState = caseDecider.initialState();
  const events: CaseEvent[] = [];
  const run = (command: CaseCommand) => {
    try {
      const produced = caseDecider.decide(command, state);
      for (const e of produced) state = caseDecider.evolve(state, e);
      events.push(...produced);
    } catch {
      // Refused in this state: a random command often is; the history goes on without it.
    }
  };
  const later = () => iso(now + (1 + Math.floor(rnd() * 72)) * HOUR);
  const unit = () => pick([UNIT, OTHER_UNIT]);
  const at = () => iso(now);
  run({
    type: 'OpenCase',
    actor: commandCentre,
    data: {
      caseId: `C-${n}`,
      reportId: `R-${n}`,
      category: 'event.01.02',
      cellId: '410802001001001',
      district: pick(['解放区', '山阳区']),
      urgency: 'normal',
      unitId: unit(),
      deadline: later(),
      at: at(),
    },
  });
  for (let step = 0; step < 14; step++) {
    now += Math.floor(rnd() * 30) * HOUR + Math.floor(rnd() * 60) * 60_000;
    const actor = 'unitId' in state && state.unitId === OTHER_UNIT ? otherUnitActor : unitActor;
    const approve = rnd() < 0.7;
    const commands: CaseCommand[] = [
      { type: 'SignFor', actor, data: { at: at() } },
      { type: 'ReportHandling', actor, data: { notes: 'done', photoRefs: [], at: at() } },
      { type: 'ReportHandling', actor, data: { notes: 'done', photoRefs: [], at: at() } },
      {
        type: 'Verify',
        actor: inspector,
        data:
          rnd() < 0.75
            ? { outcome: 'passed', notes: '', photoRefs: [], at: at() }
            : { outcome: 'failed', notes: 'not yet', photoRefs: [], reworkDeadline: later(), at: at() },
      },
      { type: 'ApplyForExtension', actor, data: { requestedDeadline: later(), reason: 'more time', at: at() } },
      { type: 'DecideExtension', actor: commandCentre, data: { approve, note: '', at: at() } },
      { type: 'ApplyForSuspension', actor, data: { reason: 'needs the city', at: at() } },
      { type: 'DecideSuspension', actor: commandCentre, data: { approve, note: '', at: at() } },
      { type: 'ApplyForReturn', actor, data: { reasons: ['not_our_remit'], note: '', at: at() } },
      { type: 'DecideReturn', actor: commandCentre, data: { approve, note: '', at: at() } },
      { type: 'Redispatch', actor: commandCentre, data: { unitId: unit(), deadline: later(), at: at() } },
      { type: 'MarkOverdue', actor: scheduler, data: { at: at() } },
      { type: 'Supervise', actor: commandCentre, data: { note: 'hurry', at: at() } },
      { type: 'Reopen', actor: commandCentre, data: { reason: 'came back', unitId: unit(), deadline: later(), at: at() } },
      { type: 'Evaluate', actor: supervisionCentre, data: { rating: 'satisfied', note: '', at: at() } },
    ];
    run(pick(commands));
  }
  return events;
}

/** The reference: fold the events that had happened by `asOfMs` (stop at the first later one). */
function reference(events: readonly CaseEvent[], asOfMs: number): Counters {
  const cut = events.findIndex((e) => Date.parse(caseEventInstant(e)) > asOfMs);
  const prefix = cut < 0 ? events : events.slice(0, cut);
  const state = fold(caseDecider, caseDecider.initialState(), prefix);
  const has = (type: CaseEvent['type']) => (prefix.some((e) => e.type === type) ? 1 : 0);
  const count = (type: CaseEvent['type']) => prefix.filter((e) => e.type === type).length;
  const lastHandling = [...prefix].reverse().find((e) => e.type === 'dispatch.case.handling_reported.v1');
  const closed = state.status === 'closed';
  const due = closed || ('deadline' in state && Date.parse(state.deadline) <= asOfMs);
  const c: Record<CaseCounterName, number> = {
    dispatched: has('dispatch.case.dispatched.v1'),
    due: due ? 1 : 0,
    suspended: due && state.status === 'suspended' ? 1 : 0,
    handled: lastHandling ? 1 : 0,
    handledOnTime: lastHandling?.type === 'dispatch.case.handling_reported.v1' && lastHandling.data.onTime ? 1 : 0,
    verified: has('dispatch.case.verified.v1'),
    reworked: has('dispatch.case.rework_ordered.v1'),
    closed: closed ? 1 : 0,
    closedOnTime: closed && state.closedOnTime ? 1 : 0,
    extended: has('dispatch.case.extension_approved.v1'),
    overdue: has('dispatch.case.overdue_marked.v1'),
    returned: count('dispatch.case.return_approved.v1'),
    supervised: count('dispatch.case.supervised.v1'),
    reopened: count('dispatch.case.reopened.v1'),
  };
  return c;
}

/** A report: received, then perhaps rejected, filed (by rule or by the centre), marked duplicate. */
function randomReport(rnd: () => number, n: number): ReportCounterRow {
  let t = START + Math.floor(rnd() * 14 * 24 * 60) * 60_000;
  const next = () => new Date((t += Math.floor(rnd() * 48) * HOUR)).toISOString();
  const steps: Array<[string, unknown]> = [
    [
      'intake.report.received.v1',
      { reportId: `R-${n}`, category: { code: 'event.01.02' }, cell: { district: '解放区' }, receivedAt: next() },
    ],
  ];
  for (let i = 0; i < 3; i++) {
    const r = rnd();
    if (r < 0.3) steps.push(['intake.report.rejected.v1', { reportId: `R-${n}`, rejectedAt: next() }]);
    else if (r < 0.6)
      steps.push([
        'intake.report.filed.v1',
        { reportId: `R-${n}`, by: rnd() < 0.5 ? 'rule' : 'centre', cell: { district: '解放区' }, filedAt: next() },
      ]);
    else if (r < 0.7) steps.push(['intake.report.marked_duplicate.v1', { reportId: `R-${n}`, markedAt: next() }]);
  }
  return steps.reduce<ReportCounterRow | null>((row, [type, data], i) => applyReportEvent(row, type, data, i + 1), null)!;
}

const implicationsHold = (counters: Counters): string[] =>
  Object.entries(IMPLIED).flatMap(([flag, implied]) =>
    (counters[flag] ?? 0) > 0
      ? implied.filter((l) => (counters[l.replace(/^-/, '')] ?? 0) > 0 === l.startsWith('-')).map((l) => `${flag} ⇒ ${l}`)
      : [],
  );

describe('indicators for random case histories, at every period end', () => {
  const config = shippedIndicatorConfig();
  const rnd = random(20250303);
  const histories = Array.from({ length: 300 }, (_, n) => randomHistory(rnd, n));
  const reports = Array.from({ length: 200 }, (_, n) => randomReport(rnd, n));
  const rows = histories.map((events) => ({ events, row: caseRow(events)! }));
  // Week ends, day ends and random moments over the four weeks the histories span.
  const ends = [
    ...Array.from({ length: 5 }, (_, w) => START + w * 7 * 24 * HOUR),
    ...Array.from({ length: 28 }, (_, d) => START + d * 24 * HOUR + 18 * HOUR),
    ...Array.from({ length: 40 }, () => START + Math.floor(rnd() * 28 * 24 * HOUR)),
  ];

  it('the decider made varied histories (closures, reworks, suspensions, returns, extensions, reopens)', () => {
    const types = new Set(histories.flat().map((e) => e.type));
    for (const t of [
      'closed',
      'rework_ordered',
      'suspension_approved',
      'return_approved',
      'extension_approved',
      'reopened',
      'overdue_marked',
    ])
      expect(types).toContain(`dispatch.case.${t}.v1`);
  });

  it('the histories hold the cases that pushed 按期处置率 past 100 %: handled on time, not yet due', () => {
    const early = ends.filter((end) =>
      rows.some(({ row }) => ((c) => c.handledOnTime === 1 && c.due === 0)(caseRowAsOf(row, end).counters)),
    );
    expect(early.length).toBeGreaterThan(0);
  });

  it('every rate lies within [0, 1], for the whole period and per unit', () => {
    const outside: string[] = [];
    for (const end of ends) {
      const cases = rows.map(({ row }) => caseRowAsOf(row, end));
      const counters = [...cases.map((c) => c.counters), ...reports.map((r) => reportCountersAsOf(r, end))];
      const groups = [counters, ...[UNIT, OTHER_UNIT].map((u) => cases.filter((c) => c.unitId === u).map((c) => c.counters))];
      for (const group of groups) {
        for (const [id, v] of Object.entries(evaluateRows(config, group))) {
          if (v.numerator < 0 || v.numerator > v.denominator || (v.rate !== null && (v.rate < 0 || v.rate > 1)))
            outside.push(`${id} ${v.numerator}/${v.denominator} at ${iso(end)}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });

  it('what the formula check assumes of the counters holds of every row at every moment', () => {
    const broken: string[] = [];
    for (const end of ends) {
      for (const { row } of rows)
        broken.push(...implicationsHold(caseRowAsOf(row, end).counters).map((b) => `${row.caseId} at ${iso(end)}: ${b}`));
      for (const r of reports)
        broken.push(...implicationsHold(reportCountersAsOf(r, end)).map((b) => `${r.reportId} at ${iso(end)}: ${b}`));
    }
    expect(broken).toEqual([]);
  });

  it('a stored row at a moment equals the case folded from the events that had happened by then', () => {
    const differ: string[] = [];
    for (const end of ends) {
      for (const { events, row } of rows) {
        const [got, want] = [caseRowAsOf(row, end).counters, reference(events, end)];
        if (JSON.stringify(got) !== JSON.stringify(want))
          differ.push(`${row.caseId} at ${iso(end)}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`);
      }
    }
    expect(differ).toEqual([]);
  });
});
