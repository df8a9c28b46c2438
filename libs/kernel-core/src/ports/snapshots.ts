export interface Snapshot<State> {
  readonly version: number;
  readonly state: State;
}

/**
 * Snapshots of an aggregate's state at a version, so loading a long stream reads one document plus
 * the events after it. A snapshot is a cache: losing one only costs a longer load.
 */
export interface SnapshotStore {
  load<State>(streamId: string, schema: number): Promise<Snapshot<State> | null>;
  /** Keeps the newest snapshot only; an older one never overwrites a newer one. */
  save<State>(streamId: string, schema: number, version: number, state: State): Promise<void>;
}
