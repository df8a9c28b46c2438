import type { LoggedEvent } from '@yiwang/kernel-core';
import { JsonEventCodec, type EventCodec } from '@yiwang/kernel-kafka';
import { caseEventCodec } from '../../../services/dispatch/src/adapters/kafka/case-event-codec';
import { intakeEventCodec } from '../../../services/intake/src/adapters/kafka/intake-event-codec';
import { redactReporterContact } from '../../../services/intake/src/adapters/grpc/event-log-personal-data';
import { CliError, usage } from './cli-error';

/** What the CLI knows about each service: where its log is by default, its topic, its codec. */
export interface ServiceInfo {
  readonly name: string;
  readonly grpcPort: number;
  /** Its Kafka topic; null for a service whose events are not published (integration's are its outbound queue). */
  readonly topic: string | null;
  readonly codec: () => EventCodec;
  /** Personal fields removed, for events read from Kafka (the log server redacts its own). */
  readonly redact: (event: LoggedEvent) => LoggedEvent;
}

export const SERVICES: Readonly<Record<string, ServiceInfo>> = {
  intake: { name: 'intake', grpcPort: 50051, topic: 'yiwang.intake.events.v1', codec: intakeEventCodec, redact: redactReporterContact },
  dispatch: { name: 'dispatch', grpcPort: 50052, topic: 'yiwang.dispatch.events.v1', codec: caseEventCodec, redact: (e) => e },
  // Its log is on its internal port (bearer tokens), not on the centre's mutual-TLS port 50053.
  integration: { name: 'integration', grpcPort: 50054, topic: null, codec: () => new JsonEventCodec(), redact: (e) => e },
};

export function serviceInfo(name: string | undefined): ServiceInfo {
  if (name === undefined) throw usage(`--service is required (${Object.keys(SERVICES).join(', ')})`);
  const info = SERVICES[name];
  if (!info) throw new CliError(`unknown service "${name}" (known: ${Object.keys(SERVICES).join(', ')})`, 2);
  return info;
}

/** The service's gRPC address: --address, else YIWANG_<SERVICE>_GRPC, else 127.0.0.1:<default port>. */
export function serviceAddress(info: ServiceInfo, flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag ?? env[`YIWANG_${info.name.toUpperCase()}_GRPC`] ?? `127.0.0.1:${info.grpcPort}`;
}

/** The bearer token: --token, else YIWANG_TOKEN. */
export function token(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const t = flag ?? env['YIWANG_TOKEN'];
  if (!t) throw usage('a token is needed: --token <jwt> or YIWANG_TOKEN (role analyst.replay)');
  return t;
}
