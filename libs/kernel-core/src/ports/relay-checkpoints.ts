/** Where each relay got to: the last log position the broker acknowledged, per topic. */
export interface RelayCheckpointStore {
  /** The last acknowledged position (0 when the relay never published). */
  get(topic: string): Promise<number>;
  /** Moves the checkpoint forward, never back. */
  advance(topic: string, position: number, owner: string): Promise<void>;
}
