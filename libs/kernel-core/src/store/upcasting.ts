/**
 * Upcasters turn an old event version into the next one on read; stored events are never rewritten.
 * Register one per old type: `{ 'intake.report.received.v1': e => ({ type: '…received.v2', data: … }) }`.
 * They chain until no upcaster matches, so v1 → v2 → v3 needs two small functions, not a matrix.
 */
export type Upcaster = (event: { readonly type: string; readonly data: unknown }) => { readonly type: string; readonly data: unknown };
export type Upcasters = Readonly<Record<string, Upcaster>>;

export function upcast<E extends { readonly type: string; readonly data: unknown }>(event: E, upcasters: Upcasters): E {
  let current: { readonly type: string; readonly data: unknown } = event;
  for (let hops = 0; hops < 32; hops++) {
    const next = upcasters[current.type];
    if (!next) break;
    current = next(current);
  }
  return current === event ? event : { ...event, type: current.type, data: current.data };
}
