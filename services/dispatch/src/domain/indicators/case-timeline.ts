import { assertNever } from '@yiwang/kernel-core';
import { caseDecider } from '../case/case-decider';
import { type CaseEvent } from '../case/case-events';
import { type CaseState } from '../case/case-state';

/**
 * The instants of a case's facts, kept so that its counters can be evaluated for ANY moment
 * (the end of any period) without its events: a stored row is written once per change of the
 * case and read for this week, last week or a month alike, so last week's counters stay what
 * they were when last week ended, however the case goes on.
 *
 * Instants are the events' own business times (`dispatchedAt`, `closedAt` …, on dispatch's
 * clock, the clock deadlines are set and compared on), as milliseconds. A stream is a sequence:
 * an event counts at a moment only if it and every event before it happened by then (the
 * `case-at` rule: stop at the first later event), so each instant is raised to the latest one
 * before it.
 */

/** What the due-ness of a case depends on, from `from` until the next phase. */
export type CasePhase = Readonly<
  | { from: number; phase: 'centre' } // 待派遣: at the command centre (returned, reopened), no deadline runs
  | { from: number; phase: 'held'; deadline: number } // a unit holds it; the deadline in force
  | { from: number; phase: 'suspended'; deadline: number } // 缓办/挂账: out of the due counts
  | { from: number; phase: 'closed'; onTime: boolean }
>;

/** Facts counted by their occurrences: the instant of each. */
export const TIMED_FACTS = ['verified', 'reworked', 'extended', 'overdue', 'returned', 'supervised', 'reopened'] as const;
export type TimedFact = (typeof TIMED_FACTS)[number];

export type CaseTimeline = Readonly<{
  phases: readonly CasePhase[];
  /** Each dispatch (initial, redispatch, reopen): the case counts for the unit of the last one. */
  dispatches: readonly Readonly<{ at: number; unitId: string }>[];
  /** Each handling report (处理反馈) and whether it was within the deadline then in force. */
  handlings: readonly Readonly<{ at: number; onTime: boolean }>[];
  facts: Readonly<Record<TimedFact, readonly number[]>>;
}>;

/** The case's business instant of an event (every case event carries one). */
export function caseEventInstant(e: CaseEvent): string {
  switch (e.type) {
    case 'dispatch.case.opened.v1':
      return e.data.openedAt;
    case 'dispatch.case.dispatched.v1':
      return e.data.dispatchedAt;
    case 'dispatch.case.signed_for.v1':
      return e.data.signedAt;
    case 'dispatch.case.return_requested.v1':
    case 'dispatch.case.extension_requested.v1':
    case 'dispatch.case.suspension_requested.v1':
      return e.data.requestedAt;
    case 'dispatch.case.return_approved.v1':
    case 'dispatch.case.return_rejected.v1':
    case 'dispatch.case.extension_approved.v1':
    case 'dispatch.case.extension_rejected.v1':
    case 'dispatch.case.suspension_approved.v1':
    case 'dispatch.case.suspension_rejected.v1':
      return e.data.decidedAt;
    case 'dispatch.case.handling_reported.v1':
      return e.data.reportedAt;
    case 'dispatch.case.verified.v1':
      return e.data.verifiedAt;
    case 'dispatch.case.closed.v1':
      return e.data.closedAt;
    case 'dispatch.case.rework_ordered.v1':
      return e.data.orderedAt;
    case 'dispatch.case.supervised.v1':
      return e.data.supervisedAt;
    case 'dispatch.case.overdue_marked.v1':
      return e.data.markedAt;
    case 'dispatch.case.reopened.v1':
      return e.data.reopenedAt;
    case 'dispatch.case.evaluated.v1':
      return e.data.evaluatedAt;
    default:
      return assertNever(e, 'case event');
  }
}

/** Each event with the moment it counts from: its own instant, raised to the latest before it. */
export function countingInstants(events: readonly CaseEvent[]): number[] {
  let latest = -Infinity;
  return events.map((e) => {
    const ms = Date.parse(caseEventInstant(e));
    latest = Number.isNaN(ms) ? latest : Math.max(latest, ms);
    return latest;
  });
}

function phaseOf(state: CaseState, from: number): CasePhase | null {
  if (state.status === 'none') return null;
  if (state.status === 'closed') return { from, phase: 'closed', onTime: state.closedOnTime };
  if (state.status === 'awaiting_dispatch') return { from, phase: 'centre' };
  const deadline = Date.parse(state.deadline);
  return state.status === 'suspended' ? { from, phase: 'suspended', deadline } : { from, phase: 'held', deadline };
}

const detail = (p: CasePhase): number | boolean | null => ('deadline' in p ? p.deadline : 'onTime' in p ? p.onTime : null);
const samePhase = (a: CasePhase | undefined, b: CasePhase): boolean => a !== undefined && a.phase === b.phase && detail(a) === detail(b);

const FACT_OF: Partial<Record<CaseEvent['type'], TimedFact>> = {
  'dispatch.case.verified.v1': 'verified',
  'dispatch.case.rework_ordered.v1': 'reworked',
  'dispatch.case.extension_approved.v1': 'extended',
  'dispatch.case.overdue_marked.v1': 'overdue',
  'dispatch.case.return_approved.v1': 'returned',
  'dispatch.case.supervised.v1': 'supervised',
  'dispatch.case.reopened.v1': 'reopened',
};

/**
 * The timeline of a case from its events, in stream order. Phases come from the case decider's
 * own fold (the state after each event), so due-ness at a moment is the aggregate's state then.
 */
export function caseTimeline(events: readonly CaseEvent[]): { state: CaseState; timeline: CaseTimeline } {
  const at = countingInstants(events);
  const phases: CasePhase[] = [];
  const dispatches: { at: number; unitId: string }[] = [];
  const handlings: { at: number; onTime: boolean }[] = [];
  const facts = Object.fromEntries(TIMED_FACTS.map((f) => [f, [] as number[]])) as Record<TimedFact, number[]>;
  let state = caseDecider.initialState();
  events.forEach((e, i) => {
    const when = at[i]!;
    state = caseDecider.evolve(state, e);
    const phase = phaseOf(state, when);
    if (phase && !samePhase(phases.at(-1), phase)) phases.push(phase);
    if (e.type === 'dispatch.case.dispatched.v1') dispatches.push({ at: when, unitId: e.data.unitId });
    if (e.type === 'dispatch.case.handling_reported.v1') handlings.push({ at: when, onTime: e.data.onTime });
    const fact = FACT_OF[e.type];
    if (fact) facts[fact].push(when);
  });
  return { state, timeline: { phases, dispatches, handlings, facts } };
}

/** The last entry that had happened by `asOfMs` (entries are in time order). */
export function lastBy<T>(entries: readonly T[], at: (t: T) => number, asOfMs: number): T | undefined {
  let found: T | undefined;
  for (const e of entries) {
    if (at(e) > asOfMs) break;
    found = e;
  }
  return found;
}

/** How many of the instants had happened by `asOfMs`. */
export const countBy = (instants: readonly number[], asOfMs: number): number => instants.filter((t) => t <= asOfMs).length;
