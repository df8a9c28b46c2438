import { type ParseArgsConfig } from 'node:util';
import { readCheckpoint } from './checkpoint';
import { usage } from './cli-error';
import { serviceAddress, serviceInfo, token, type ServiceInfo } from './services';
import { kafkaSource, type KafkaStart } from './sources/kafka-source';
import { logSource, type LogStart } from './sources/log-source';
import { type ReplayChunk, type ReplayFilter } from './sources/source';
import { oneOf, parseList, parsePosition, parseTime } from './values';

/** Flags every command that reads events shares. */
export const SOURCE_OPTIONS = {
  service: { type: 'string' },
  source: { type: 'string' },
  address: { type: 'string' },
  token: { type: 'string' },
  kafka: { type: 'string' },
  topic: { type: 'string' },
  from: { type: 'string' },
  after: { type: 'string' },
  resume: { type: 'string' },
  to: { type: 'string' },
  'to-position': { type: 'string' },
  types: { type: 'string' },
  'stream-prefix': { type: 'string' },
  'include-personal-data': { type: 'boolean' },
  follow: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

export const SOURCE_HELP = `  --service intake|dispatch|integration   the service whose events to read
  --source log|kafka          its gRPC log (default) or its Kafka topic
  --address host:port         the service's gRPC address (default YIWANG_<SERVICE>_GRPC or 127.0.0.1:5005x)
  --token jwt                 bearer token with role analyst.replay (default YIWANG_TOKEN)
  --kafka brokers             Kafka brokers, comma-separated (default KAFKA_BROKERS or 127.0.0.1:19092, the local one)
  --topic name                the topic (default yiwang.<service>.events.v1)
  --from time | --after position | --resume cursor-file    where to start (default: the beginning)
  --to time | --to-position position                       where to stop (default: the end as it is now)
  --types a,b                 only these event types
  --stream-prefix p           only streams whose id starts with p (e.g. case-)
  --include-personal-data     keep names, phones, plates (log only; needs role analyst.personal-data)
  --follow                    keep reading new events until Ctrl-C (log only)
times: ISO 8601 (2025-03-03T08:00:00+08:00) or a Shanghai date/time (2025-03-03, 2025-03-03T08:00)`;

type SourceValues = { [K in keyof typeof SOURCE_OPTIONS]?: (typeof SOURCE_OPTIONS)[K]['type'] extends 'boolean' ? boolean : string };

export interface OpenedSource {
  readonly service: ServiceInfo;
  readonly kind: 'log' | 'kafka';
  /** How to say where it reads from, for messages. */
  readonly description: string;
  chunks(signal: AbortSignal): AsyncGenerator<ReplayChunk, void, undefined>;
}

export function kafkaBrokers(flag: string | undefined, env: NodeJS.ProcessEnv): string[] {
  return parseList(flag ?? env['KAFKA_BROKERS'] ?? '127.0.0.1:19092');
}

/** Validates the source flags (all of them, before anything is read) and opens the source lazily. */
export function openSource(
  values: SourceValues,
  env: NodeJS.ProcessEnv,
  overrides: Partial<ReplayFilter> & { service?: string } = {},
): OpenedSource {
  const service = serviceInfo(overrides.service ?? values.service);
  const kind = oneOf(values.source, ['log', 'kafka'] as const, 'source', 'log');
  const starts = ['from', 'after', 'resume'].filter((k) => values[k as 'from'] !== undefined);
  if (starts.length > 1) throw usage(`--${starts.join(' and --')} exclude each other`);
  const fromTime = values.from !== undefined ? parseTime(values.from, 'from') : undefined;
  const after = values.after !== undefined ? parsePosition(values.after, 'after') : undefined;
  const checkpoint = values.resume !== undefined ? readCheckpoint(values.resume) : undefined;
  const filter: ReplayFilter = {
    types: overrides.types ?? parseList(values.types),
    streamPrefix: overrides.streamPrefix ?? values['stream-prefix'] ?? '',
    toTime: overrides.toTime ?? (values.to !== undefined ? parseTime(values.to, 'to') : undefined),
  };
  const toPosition = values['to-position'] !== undefined ? parsePosition(values['to-position'], 'to-position') : undefined;
  if (fromTime && filter.toTime && filter.toTime <= fromTime) throw usage('--to must be after --from');

  if (kind === 'log') {
    if (checkpoint && checkpoint.source !== 'log') throw usage(`${values.resume} is a Kafka cursor: add --source kafka`);
    if (checkpoint && checkpoint.service !== service.name)
      throw usage(`${values.resume} is a cursor of ${checkpoint.service}, not ${service.name}`);
    const address = serviceAddress(service, values.address, env);
    const bearer = token(values.token, env);
    const start: LogStart = fromTime
      ? { fromTime }
      : after !== undefined
        ? { after }
        : checkpoint?.source === 'log'
          ? { cursor: checkpoint.cursor }
          : {};
    return {
      service,
      kind,
      description: `${service.name} log at ${address}`,
      chunks: (signal) =>
        logSource(
          {
            service,
            address,
            token: bearer,
            start,
            filter,
            ...(toPosition !== undefined ? { toPosition } : {}),
            includePersonalData: values['include-personal-data'] ?? false,
            follow: values.follow ?? false,
          },
          signal,
        ),
    };
  }
  if (values.follow) throw usage('--follow works only with the service log');
  if (values['include-personal-data'])
    throw usage('--include-personal-data works only with the service log (it checks your role); Kafka carries personal data sealed');
  if (after !== undefined || toPosition !== undefined)
    throw usage('--after and --to-position are log positions: on Kafka use --from/--to times or --resume');
  if (checkpoint && checkpoint.source !== 'kafka') throw usage(`${values.resume} is a log cursor: drop --source kafka`);
  const brokers = kafkaBrokers(values.kafka, env);
  const topic = values.topic ?? service.topic;
  if (topic === null) throw usage(`${service.name} publishes no topic (its events are its own queue): read its log`);
  const start: KafkaStart = fromTime ? { fromTime } : checkpoint?.source === 'kafka' ? { offsets: checkpoint.offsets } : {};
  return {
    service,
    kind,
    description: `topic ${topic}`,
    chunks: (signal) => kafkaSource({ brokers, topic, service, start, filter }, signal),
  };
}
