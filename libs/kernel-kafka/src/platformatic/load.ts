import type * as NodeModule from 'node:module';
import type * as Platformatic from '@platformatic/kafka';

/**
 * `@platformatic/kafka` is published as ES modules only. Node ≥ 20.19 loads it with `require`, but
 * jest's module runtime does not (and wraps `node:module` too), so it is loaded through Node's own
 * `require`, reached with `process.getBuiltinModule`; its types are imported as types only.
 */
export type PlatformaticKafka = typeof Platformatic;

let loaded: PlatformaticKafka | null = null;

export function platformaticKafka(): PlatformaticKafka {
  if (!loaded) {
    const { createRequire } = (process as unknown as { getBuiltinModule(id: string): typeof NodeModule }).getBuiltinModule('node:module');
    loaded = createRequire(typeof __filename === 'string' ? __filename : `${process.cwd()}/`)('@platformatic/kafka') as PlatformaticKafka;
  }
  return loaded;
}
