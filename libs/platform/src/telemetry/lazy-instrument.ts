import { metrics, type Meter, type MeterProvider } from '@opentelemetry/api';

/**
 * An instrument created from whatever meter provider is global at the time of use.
 *
 * Why: unlike tracers, meters taken from the API before `startTelemetry` registers the SDK stay
 * no-ops forever. Library code creates its instruments at import time, so it goes through this.
 */
export function lazyInstrument<T>(meterName: string, create: (meter: Meter) => T): () => T {
  let cached: { provider: MeterProvider; instrument: T } | undefined;
  return () => {
    const provider = metrics.getMeterProvider();
    if (cached?.provider !== provider) cached = { provider, instrument: create(provider.getMeter(meterName)) };
    return cached.instrument;
  };
}
