/** What a command gets from main: the environment, Ctrl-C as a signal, where to talk to the user. */
export interface CommandContext {
  readonly env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C (SIGINT) or SIGTERM. */
  readonly signal: AbortSignal;
  /** Show progress on stderr (a terminal, unless --quiet). */
  readonly progress: boolean;
  /** One line to stderr. */
  stderr(line: string): void;
}

export type Command = (argv: readonly string[], ctx: CommandContext) => Promise<number>;
