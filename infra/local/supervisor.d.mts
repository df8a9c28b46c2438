/** Types for supervisor.mjs, for TypeScript callers (bench, chaos). */
import type { ChildProcess } from 'node:child_process';
export interface Supervisor {
  readonly child: ChildProcess | null;
  readonly restarts: number;
  readonly gaveUp: boolean;
  stop(graceMs?: number): Promise<void>;
  replace(nextSpawn?: () => ChildProcess, graceMs?: number): Promise<void>;
}
export function supervise(options: {
  name: string;
  spawn: () => ChildProcess;
  say?: (line: string) => void;
  initialDelayMs?: number;
  maxDelayMs?: number;
  stableMs?: number;
  maxRapidFailures?: number;
  onGiveUp?: (reason: string) => void;
  logHint?: string;
}): Supervisor;
