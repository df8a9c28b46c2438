import { metrics, type Meter, type MeterProvider } from '@opentelemetry/api';

/**
 * Instruments created on first use, and again if the global meter provider changes.
 *
 * Why not module-level `metrics.getMeter(...)`: unlike tracing, the OpenTelemetry metrics API has no
 * proxy provider. A meter taken before the composition root registers its MeterProvider (i.e. at
 * import time) stays a no-op forever, and the metric silently never appears.
 */
export function lazyInstruments<T>(create: (meter: Meter) => T): () => T {
  let provider: MeterProvider | null = null;
  let cached: T | null = null;
  return () => {
    const current = metrics.getMeterProvider();
    if (cached === null || current !== provider) {
      provider = current;
      cached = create(current.getMeter('@yiwang/kernel'));
    }
    return cached;
  };
}
