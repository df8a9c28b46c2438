/**
 * A failure the user can fix (bad flag, unknown service, unreadable topic …): printed as ONE line
 * `yiwang: <message>` with a non-zero exit code, never as a stack trace.
 */
export class CliError extends Error {
  constructor(
    message: string,
    /** 2 for usage errors (bad flags or values), 1 for everything else. */
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usage = (message: string): CliError => new CliError(message, 2);
