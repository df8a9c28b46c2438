import type { BatchObservableCallback } from '@opentelemetry/api';
import { lazyInstruments } from '@yiwang/kernel-core/telemetry';

const instruments = lazyInstruments((meter) => ({
  published: meter.createCounter('yiwang.relay.published', { description: 'events published to Kafka by the relay', unit: '{event}' }),
  backlog: meter.createObservableGauge('yiwang.relay.backlog', {
    description: 'log positions not yet published (head position - checkpoint)',
    unit: '{event}',
  }),
  lag: meter.createObservableGauge('yiwang.relay.lag_ms', { description: 'age of the oldest event not yet published', unit: 'ms' }),
  meter,
}));

/** Counts events the broker acknowledged. */
export const countPublished = (n: number, topic: string): void => instruments().published.add(n, { topic });

/** What a relay reports to the gauges; read only when a metrics reader collects. */
export interface RelayGaugeSource {
  readonly topic: string;
  /** Null while this instance does not hold the lease: the active relay alone reports. */
  gauges(): { readonly backlog: number; readonly lagMs: number } | null;
}

/** Registers the relay's gauges (with the meter provider current at start); returns the unregistration. */
export function observeRelay(source: RelayGaugeSource): () => void {
  const { meter, backlog, lag } = instruments();
  const callback: BatchObservableCallback = (result) => {
    const g = source.gauges();
    if (!g) return;
    result.observe(backlog, g.backlog, { topic: source.topic });
    result.observe(lag, g.lagMs, { topic: source.topic });
  };
  meter.addBatchObservableCallback(callback, [backlog, lag]);
  return () => meter.removeBatchObservableCallback(callback, [backlog, lag]);
}
