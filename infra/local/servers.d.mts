/** Types for servers.mjs, for TypeScript callers (bench, tools). */
export interface Servers {
  readonly kafkaBrokers: string;
  readonly mongoUri: string;
  readonly mode: 'given' | 'containers' | 'local';
  stop(): Promise<void>;
}
export function ensureServers(options?: { keep?: boolean }): Promise<Servers>;
export function stopLocalServers(): Promise<void>;
export const repoRoot: string;
