import { lazyInstrument } from '@yiwang/platform';
import { type BreakerState } from '../domain';

/** What the pusher last saw, read by the observable gauges at export time. */
export interface SyncGaugeSource {
  /** Updates queued for the centre and not yet acknowledged (within the scan window). */
  backlog(): number;
  /** Seconds since the oldest unacknowledged update was queued (0 when none waits). */
  lagSeconds(): number;
  breakerState(): BreakerState;
}

const BREAKER_CODES: Record<BreakerState, number> = { closed: 0, half_open: 1, open: 2 };

const instruments = lazyInstrument('@yiwang/integration', (meter) => ({
  pushed: meter.createCounter('yiwang.opscenter.updates_pushed', { description: 'updates the centre acknowledged', unit: '{update}' }),
  failures: meter.createCounter('yiwang.opscenter.push_failures', { description: 'failed pushes to the centre', unit: '{call}' }),
  deliveryLag: meter.createHistogram('yiwang.opscenter.delivery_lag', {
    description: 'from the case event to the centre’s acknowledgement',
    unit: 's',
  }),
  backlog: meter.createObservableGauge('yiwang.opscenter.backlog', { description: 'updates waiting for the centre', unit: '{update}' }),
  lag: meter.createObservableGauge('yiwang.opscenter.sync_lag', {
    description: 'age of the oldest update waiting for the centre',
    unit: 's',
  }),
  breaker: meter.createObservableGauge('yiwang.opscenter.breaker_state', {
    description: 'circuit breaker towards the centre: 0 closed, 1 half-open, 2 open',
  }),
}));

const sources = new Set<SyncGaugeSource>();
let registered: ReturnType<typeof instruments> | null = null;

/** Registers a pusher's gauges (once per meter provider); returns the unregister function. */
export function observeSync(source: SyncGaugeSource): () => void {
  const i = instruments();
  if (registered !== i) {
    registered = i;
    i.backlog.addCallback((r) => sources.forEach((s) => r.observe(s.backlog())));
    i.lag.addCallback((r) => sources.forEach((s) => r.observe(s.lagSeconds())));
    i.breaker.addCallback((r) => sources.forEach((s) => r.observe(BREAKER_CODES[s.breakerState()])));
  }
  sources.add(source);
  return () => void sources.delete(source);
}

export function countPushed(updates: number, lagsSeconds: readonly number[]): void {
  const i = instruments();
  i.pushed.add(updates);
  for (const l of lagsSeconds) i.deliveryLag.record(l);
}

export function countPushFailure(reason: string): void {
  instruments().failures.add(1, { reason });
}
