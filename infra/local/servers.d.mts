/** Types for servers.mjs, for TypeScript callers (bench, tools). */
export interface Servers {
  readonly kafkaBrokers: string;
  readonly mongoUri: string;
  readonly mode: 'given' | 'containers' | 'local';
  stop(): Promise<void>;
}
export function ensureServers(options?: { keep?: boolean; fresh?: boolean | 'when-starting' }): Promise<Servers>;
export function stopLocalServers(): Promise<void>;
export const repoRoot: string;
export function serverSource(env?: NodeJS.ProcessEnv, runtimeAnswers?: () => Promise<boolean>): Promise<'given' | 'containers' | 'local'>;
export function loadContainerModules(): Promise<{
  KafkaContainer: new (image: string) => unknown;
  MongoDBContainer: new (image: string) => unknown;
}>;
