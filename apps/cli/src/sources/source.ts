import type { LoggedEvent } from '@yiwang/kernel-core';
import { type Checkpoint } from '../checkpoint';

/** Where a replayed event came from on Kafka (absent for the service's log). */
export type KafkaOrigin = Readonly<{ topic: string; partition: number; offset: string }>;

export type ReplayedEvent = Readonly<{ event: LoggedEvent; kafka?: KafkaOrigin }>;

/** A batch of a replay and the checkpoint right after it (what a resume starts from). */
export type ReplayChunk = Readonly<{
  events: readonly ReplayedEvent[];
  checkpoint: Checkpoint;
  /** For progress: how far the source has read and where it stops (positions, or messages on Kafka). */
  done: number;
  total: number;
}>;

/** Filters every source applies the same way. */
export type ReplayFilter = Readonly<{ types: readonly string[]; streamPrefix: string; toTime?: Date | undefined }>;
