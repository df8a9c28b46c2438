import { parseArgs } from 'node:util';
import { fold, type LoggedEvent } from '@yiwang/kernel-core';
import { caseDecider, type CaseEvent, type CaseState, caseEventMapping } from '@yiwang/dispatch';
import { CliError, usage } from '../cli-error';
import { exportRow } from '../export-format';
import { openSource, SOURCE_HELP, SOURCE_OPTIONS } from '../source-options';
import { oneOf, parseTime } from '../values';
import { type CommandContext } from './command';

export const CASE_AT_HELP = `yiwang case-at <caseId> --at <time> — time travel: a case as it was at a moment

Replays the case's stream from dispatch's log (or topic) up to the moment and folds it through the
case decider's evolve, the same code the service runs; prints the state and the events that led to it.

  --at time                   the moment (events that happened at or before it count)
  --format text|json          (default text)
${SOURCE_HELP.split('\n')
  .filter((l) => !/--types|--stream-prefix|--to |--from |--service/.test(l))
  .join('\n')}`;

export type CaseAtResult = Readonly<{
  caseId: string;
  at: string;
  version: number;
  status: CaseState['status'];
  state: CaseState;
  events: ReturnType<typeof exportRow>[];
}>;

/** The case's state after `events` (its stream's events up to the moment, in order). */
export function caseAtFrom(caseId: string, at: Date, events: readonly LoggedEvent[]): CaseAtResult {
  const caseEvents = events.map(caseEventMapping.fromRecorded).filter((e): e is CaseEvent => e !== null);
  const state = fold(caseDecider, caseDecider.initialState(), caseEvents);
  return {
    caseId,
    at: at.toISOString(),
    version: events.at(-1)?.streamVersion ?? 0,
    status: state.status,
    state,
    events: events.map((event) => exportRow({ event }, 'dispatch')),
  };
}

function text(r: CaseAtResult): string {
  const s = r.state as Record<string, unknown>;
  const facts = ['unitId', 'deadline', 'district', 'category', 'openedAt', 'closedAt', 'closedOnTime']
    .filter((k) => s[k] !== undefined && s[k] !== null)
    .map((k) => `${k} ${String(s[k])}`);
  const lines = [
    `case ${r.caseId} at ${r.at}: ${r.status} (version ${r.version})${facts.length ? `\n  ${facts.join(', ')}` : ''}`,
    `events (${r.events.length}):`,
  ];
  for (const e of r.events)
    lines.push(
      `  v${e.streamVersion} ${e.occurredAt} ${e.type} by ${e.actor.subject}${e.actor.department ? ` (${e.actor.department})` : ''}`,
    );
  return `${lines.join('\n')}\n`;
}

export async function caseAt(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { ...SOURCE_OPTIONS, at: { type: 'string' }, format: { type: 'string' } },
    allowPositionals: true,
  });
  const [caseId, ...extra] = positionals;
  if (!caseId || extra.length > 0) throw usage('case-at needs exactly one case id: yiwang case-at <caseId> --at <time>');
  if (values.at === undefined) throw usage('--at <time> is required');
  const at = parseTime(values.at, 'at');
  const format = oneOf(values.format, ['text', 'json'] as const, 'format', 'text');
  const streamId = `case-${caseId}`;
  // The whole stream, cut by each event's own time: the log is only NEARLY in time order (events of
  // other cases committed a few ms apart may interleave), so stopping the log at the moment could
  // drop an event of this case that happened just before it.
  const source = openSource({ ...values, service: values.service ?? 'dispatch' }, ctx.env, { streamPrefix: streamId, toTime: undefined });
  if (source.service.name !== 'dispatch') throw usage('case-at reads cases, which live in dispatch');
  const all: LoggedEvent[] = [];
  for await (const chunk of source.chunks(ctx.signal)) for (const r of chunk.events) if (r.event.streamId === streamId) all.push(r.event);
  if (ctx.signal.aborted) return 130;
  if (all.length === 0) throw new CliError(`no case ${caseId} in ${source.description}`);
  all.sort((a, b) => a.streamVersion - b.streamVersion);
  // Events at the moment itself count; a stream is a sequence, so stop at its first later event.
  const later = all.findIndex((e) => e.occurredAt.getTime() > at.getTime());
  const events = later < 0 ? all : all.slice(0, later);
  const result = caseAtFrom(caseId, at, events);
  process.stdout.write(format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : text(result));
  return 0;
}
