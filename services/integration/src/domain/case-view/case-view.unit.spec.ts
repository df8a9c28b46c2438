import { applyCaseChange, type CaseChange, type CaseView } from './case-view';

const fold = (changes: CaseChange[]): CaseView | null => changes.reduce<CaseView | null>(applyCaseChange, null);
const c = (type: string, data: Record<string, unknown> = {}): CaseChange => ({ type: `dispatch.case.${type}.v1`, data });

describe('the centre’s view of a case', () => {
  const opened = c('opened', { caseId: 'C-1', reportId: 'R-1', category: 'event.01.02' });
  const dispatched = c('dispatched', { unitId: 'u1', deadline: '2026-11-23T14:00:00+08:00' });

  it('follows the closed loop: registered → dispatched → in progress → handled → in progress (rework) → closed', () => {
    const states = [
      opened,
      dispatched,
      c('signed_for'),
      c('handling_reported', { notes: '已清运' }),
      c('verified', { outcome: 'failed', notes: '仍有残留' }),
      c('rework_ordered', { reason: '仍有残留', deadline: '2026-11-24T10:00:00+08:00' }),
      c('handling_reported', { notes: '已彻底清理' }),
      c('verified', { outcome: 'passed' }),
      c('closed'),
    ]
      .map((_, i, all) => fold(all.slice(0, i + 1))!)
      .map((v) => `${v.state}|${v.unitId ?? ''}|${v.deadline ?? ''}|${v.result}`);
    expect(states).toEqual([
      'registered|||',
      'dispatched|u1|2026-11-23T14:00:00+08:00|',
      'in_progress|u1|2026-11-23T14:00:00+08:00|',
      'handled|u1|2026-11-23T14:00:00+08:00|已清运',
      'handled|u1|2026-11-23T14:00:00+08:00|仍有残留',
      'in_progress|u1|2026-11-24T10:00:00+08:00|仍有残留',
      'handled|u1|2026-11-24T10:00:00+08:00|已彻底清理',
      'handled|u1|2026-11-24T10:00:00+08:00|已彻底清理',
      'closed|u1|2026-11-24T10:00:00+08:00|已彻底清理',
    ]);
  });

  it('returns: a refused return goes back to where the unit was; an approved one frees the case', () => {
    const requested = [opened, dispatched, c('return_requested', { reasons: ['not_our_remit'], note: '非本单位' })];
    expect(fold(requested)?.state).toBe('return_requested');
    expect(fold([...requested, c('return_rejected')])?.state).toBe('dispatched');
    expect(fold([opened, dispatched, c('signed_for'), c('return_requested', { reasons: [] }), c('return_rejected')])?.state).toBe(
      'in_progress',
    );
    expect(fold([...requested, c('return_approved')])).toMatchObject({ state: 'registered', unitId: null, deadline: null });
  });

  it('marks overdue, keeps the state for steps the centre does not see, and ignores events before the opening', () => {
    expect(fold([opened, dispatched, c('overdue_marked'), c('supervised')])).toMatchObject({ state: 'dispatched', overdue: true });
    expect(fold([dispatched])).toBeNull();
    expect(fold([opened, dispatched, c('signed_for'), c('suspension_approved')])?.state).toBe('suspended');
    expect(fold([opened, dispatched, c('signed_for'), c('extension_approved', { newDeadline: 'later' })])?.deadline).toBe('later');
  });
});
