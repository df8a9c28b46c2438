import { readFileSync, writeFileSync } from 'node:fs';
import { CliError } from './cli-error';

/**
 * Where a replay got to, as written to the cursor file on Ctrl-C (format in docs/replay-formats.md):
 * a log cursor of one service, or the next offset of each partition of a topic.
 */
export type Checkpoint =
  | Readonly<{ version: 1; source: 'log'; service: string; cursor: string }>
  | Readonly<{ version: 1; source: 'kafka'; topic: string; offsets: Readonly<Record<string, string>> }>;

export function writeCheckpoint(file: string, checkpoint: Checkpoint): void {
  writeFileSync(file, `${JSON.stringify({ ...checkpoint, writtenAt: new Date().toISOString() }, null, 2)}\n`);
}

export function readCheckpoint(file: string): Checkpoint {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new CliError(`cannot read cursor file ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (
    parsed['version'] === 1 &&
    parsed['source'] === 'log' &&
    typeof parsed['cursor'] === 'string' &&
    typeof parsed['service'] === 'string'
  ) {
    return { version: 1, source: 'log', service: parsed['service'], cursor: parsed['cursor'] };
  }
  if (
    parsed['version'] === 1 &&
    parsed['source'] === 'kafka' &&
    typeof parsed['topic'] === 'string' &&
    typeof parsed['offsets'] === 'object' &&
    parsed['offsets'] !== null
  ) {
    return { version: 1, source: 'kafka', topic: parsed['topic'], offsets: parsed['offsets'] as Record<string, string> };
  }
  throw new CliError(`${file} is not a yiwang cursor file (version 1)`);
}
