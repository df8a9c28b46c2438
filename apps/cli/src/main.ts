// `yiwang <command> …`: analysts' tool over the services' event logs and topics.
// Every failure the user can fix ends as ONE line on stderr and a non-zero exit code.
import { CliError } from './cli-error';
import { caseAt, CASE_AT_HELP } from './commands/case-at';
import { type Command, type CommandContext } from './commands/command';
import { enforcementIndicators, ENFORCEMENT_INDICATORS_HELP } from './commands/enforcement-indicators';
import { heatingRanking, HEATING_RANKING_HELP } from './commands/heating-ranking';
import { indicators, INDICATORS_HELP } from './commands/indicators';
import { rebuild, REBUILD_HELP } from './commands/rebuild';
import { replay, REPLAY_HELP } from './commands/replay';

const COMMANDS: Readonly<Record<string, { run: Command; help: string }>> = {
  replay: { run: replay, help: REPLAY_HELP },
  'case-at': { run: caseAt, help: CASE_AT_HELP },
  indicators: { run: indicators, help: INDICATORS_HELP },
  rebuild: { run: rebuild, help: REBUILD_HELP },
  'heating-ranking': { run: heatingRanking, help: HEATING_RANKING_HELP },
  'enforcement-indicators': { run: enforcementIndicators, help: ENFORCEMENT_INDICATORS_HELP },
};

const HELP = `yiwang — replay, export, time travel and indicators from Yiwang's event logs

usage: yiwang <command> [options]     (yiwang <command> --help for its options)

  replay       read a service's log or topic; write NDJSON/CSV or republish to a replay topic
  case-at      the state of one case at a moment, and the events that led to it
  indicators   evaluation indicators and ranking tables computed from a replay
  rebuild      rebuild a projection into a fresh collection and compare it with the live one
  heating-ranking  the weekly heating-company ranking (供热企业周排名) from a replay of heating's log
  enforcement-indicators  the enforcement squads' indicator table (filed, decided on time, fines, court, 双公示) from a replay

Progress goes to stderr on a terminal only (--quiet: never). Ctrl-C during replay saves a cursor
file to resume from. Formats: docs/replay-formats.md.`;

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${HELP}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) throw new CliError(`unknown command "${name}" (one of ${Object.keys(COMMANDS).join(', ')}; yiwang --help)`, 2);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.help}\n`);
    return 0;
  }
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const quiet = rest.includes('--quiet');
  const ctx: CommandContext = {
    env: process.env,
    signal: controller.signal,
    progress: !quiet && process.stderr.isTTY === true,
    stderr: (line) => process.stderr.write(`${line}\n`),
  };
  try {
    return await command.run(
      rest.filter((a) => a !== '--quiet'),
      ctx,
    );
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}

/** One line for anything thrown: ours as they are, argument errors from parseArgs as usage errors. */
function oneLine(e: unknown): { message: string; code: number } {
  if (e instanceof CliError) return { message: e.message, code: e.exitCode };
  const err = e as { code?: string; message?: string };
  if (typeof err.code === 'string' && err.code.startsWith('ERR_PARSE_ARGS')) return { message: err.message ?? String(e), code: 2 };
  return { message: (err.message ?? String(e)).split('\n')[0]!, code: 1 };
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    exitSoon();
  },
  (e: unknown) => {
    const { message, code } = oneLine(e);
    process.stderr.write(`yiwang: ${message}\n`);
    if (process.env['YIWANG_DEBUG']) console.error(e);
    process.exitCode = code;
    exitSoon();
  },
);

/** A client library's idle sockets must not keep a finished command alive. */
function exitSoon(): void {
  setTimeout(() => process.exit(), 2_000).unref();
}
