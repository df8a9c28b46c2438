import { parseArgs } from 'node:util';
import { KafkajsBroker, toKafkaMessage, UNLIMITED_RETENTION, type MessageProducer } from '@yiwang/kernel-kafka';
import { writeCheckpoint, type Checkpoint } from '../checkpoint';
import { csvHeader, csvLine, exportRow } from '../export-format';
import { TextOutput } from '../output';
import { Progress } from '../progress';
import { kafkaBrokers, openSource, SOURCE_HELP, SOURCE_OPTIONS } from '../source-options';
import { type ReplayedEvent } from '../sources/source';
import { type ServiceInfo } from '../services';
import { oneOf } from '../values';
import { type CommandContext } from './command';

export const REPLAY_HELP = `yiwang replay — read a service's events and write them as NDJSON or CSV, or republish them

${SOURCE_HELP}
  --format ndjson|csv         output format (default ndjson; see docs/replay-formats.md)
  --out file                  write there instead of stdout
  --republish topic           send the events to this topic (CloudEvents, protobuf) instead of writing
  --cursor-file file          where Ctrl-C leaves the resume cursor (default yiwang-replay.cursor.json)`;

/** Where replayed events go: a file/stdout in a format, or a replay topic. */
interface Sink {
  write(events: readonly ReplayedEvent[]): Promise<void>;
  close(): Promise<void>;
}

function textSink(format: 'ndjson' | 'csv', out: string | undefined, service: string, resumed: boolean): Sink {
  // A resumed replay continues the file it was writing (and its CSV header is already there).
  const output = TextOutput.open(out, resumed);
  let headerDone = resumed && out !== undefined && out !== '-';
  return {
    async write(events) {
      let text = '';
      if (format === 'csv' && !headerDone) {
        text += csvHeader();
        headerDone = true;
      }
      for (const e of events) text += format === 'csv' ? csvLine(exportRow(e, service)) : `${JSON.stringify(exportRow(e, service))}\n`;
      if (text) await output.write(text);
    },
    async close() {
      if (format === 'csv' && !headerDone) await output.write(csvHeader());
      await output.close();
    },
  };
}

async function republishSink(brokers: readonly string[], topic: string, service: ServiceInfo): Promise<Sink> {
  const broker = new KafkajsBroker({ brokers, clientId: 'yiwang-cli-republish', logLevel: 'nothing' });
  const admin = broker.admin();
  await admin.connect();
  try {
    await admin.ensureTopics([{ topic, partitions: 6, config: UNLIMITED_RETENTION }]);
  } finally {
    await admin.disconnect();
  }
  const producer: MessageProducer = broker.producer();
  await producer.connect();
  const codec = service.codec();
  const source = `/yiwang/${service.name}`;
  return {
    async write(events) {
      for (let i = 0; i < events.length; i += 500)
        await producer.send(events.slice(i, i + 500).map((e) => toKafkaMessage(topic, e.event, { source, codec })));
    },
    close: () => producer.disconnect(),
  };
}

export async function replay(argv: readonly string[], ctx: CommandContext): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      ...SOURCE_OPTIONS,
      format: { type: 'string' },
      out: { type: 'string' },
      republish: { type: 'string' },
      'cursor-file': { type: 'string' },
    },
    allowPositionals: false,
  });
  const format = oneOf(values.format, ['ndjson', 'csv'] as const, 'format', 'ndjson');
  const source = openSource(values, ctx.env);
  const sink = values.republish
    ? await republishSink(kafkaBrokers(values.kafka, ctx.env), values.republish, source.service)
    : textSink(format, values.out, source.service.name, values.resume !== undefined);
  const progress = new Progress(`replay ${source.description}`, ctx.progress);
  let checkpoint: Checkpoint | undefined;
  try {
    for await (const chunk of source.chunks(ctx.signal)) {
      await sink.write(chunk.events);
      checkpoint = chunk.checkpoint;
      progress.update(chunk.events.length, chunk.done, chunk.total);
      if (ctx.signal.aborted) break;
    }
  } finally {
    progress.finish();
    await sink.close();
  }
  if (!ctx.signal.aborted) return 0;
  const file = values['cursor-file'] ?? 'yiwang-replay.cursor.json';
  if (checkpoint) {
    writeCheckpoint(file, checkpoint);
    const again = [
      ...argv.filter(
        (a, i) => !['--from', '--after', '--resume'].includes(a) && !['--from', '--after', '--resume'].includes(argv[i - 1] ?? ''),
      ),
      '--resume',
      file,
    ];
    ctx.stderr(`interrupted: cursor saved in ${file}; resume with: yiwang replay ${again.join(' ')}`);
  } else ctx.stderr('interrupted before the first batch: nothing to resume from');
  return 130;
}
