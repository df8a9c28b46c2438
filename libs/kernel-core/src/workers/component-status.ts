/**
 * What the background parts of a process (relays, consumers) say about themselves, for `/readyz`'s
 * body and the metrics. Informational only: a service serves its API from its own database, so a
 * broker being away is a detail to show, never a reason to leave the load balancer's rotation.
 */
export type ComponentState = 'starting' | 'up' | 'down' | 'standby' | 'stopped';

export interface ComponentStatus {
  readonly state: ComponentState;
  /** Why it is not up (the last error), or what it is doing. */
  readonly detail?: string;
  /** Extra figures (backlog, failures in a row). */
  readonly figures?: Readonly<Record<string, number>>;
  /** When the state last changed. */
  readonly since: string;
}

const statuses = new Map<string, ComponentStatus>();

/**
 * Records a component's state under a process-wide name (e.g. `relay:yiwang.intake.events.v1`);
 * the time of the change is kept only when the state changes.
 */
export function reportComponentStatus(
  name: string,
  state: ComponentState,
  more: { readonly detail?: string; readonly figures?: Readonly<Record<string, number>> } = {},
): void {
  const previous = statuses.get(name);
  const since = previous && previous.state === state ? previous.since : new Date().toISOString();
  statuses.set(name, {
    state,
    since,
    ...(more.detail !== undefined ? { detail: more.detail } : {}),
    ...(more.figures ? { figures: more.figures } : {}),
  });
}

/** Forgets a component (it was stopped and will not come back). */
export function forgetComponentStatus(name: string): void {
  statuses.delete(name);
}

/** Every component's status now, by name. */
export function componentStatuses(): Readonly<Record<string, ComponentStatus>> {
  return Object.fromEntries(statuses);
}

/** An error as one line, for a status detail. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
