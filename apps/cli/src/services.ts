import { dispatchAnalytics } from '@yiwang/dispatch';
import { enforcementAnalytics } from '@yiwang/enforcement';
import type { ServiceAnalytics } from '@yiwang/event-log';
import { intakeAnalytics } from '@yiwang/intake';
import { heatingAnalytics } from '@yiwang/heating';
import { integrationAnalytics } from '@yiwang/integration';
import { parkingAnalytics } from '@yiwang/parking';
import { sanitationAnalytics } from '@yiwang/sanitation';
import { CliError, usage } from './cli-error';

/**
 * The services the CLI knows, each by the descriptor its public module exports (log port, topic,
 * codec, redaction, rebuildable projections). A new service joins with one line here.
 */
export type ServiceInfo = ServiceAnalytics;

export const SERVICES: Readonly<Record<string, ServiceInfo>> = Object.fromEntries(
  [
    intakeAnalytics,
    dispatchAnalytics,
    integrationAnalytics,
    enforcementAnalytics,
    parkingAnalytics,
    heatingAnalytics,
    sanitationAnalytics,
  ].map((s) => [s.name, s]),
);

export function serviceInfo(name: string | undefined): ServiceInfo {
  if (name === undefined) throw usage(`--service is required (${Object.keys(SERVICES).join(', ')})`);
  const info = SERVICES[name];
  if (!info) throw new CliError(`unknown service "${name}" (known: ${Object.keys(SERVICES).join(', ')})`, 2);
  return info;
}

/** The service's gRPC address: --address, else YIWANG_<SERVICE>_GRPC, else 127.0.0.1:<default port>. */
export function serviceAddress(info: ServiceInfo, flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag ?? env[`YIWANG_${info.name.toUpperCase()}_GRPC`] ?? `127.0.0.1:${info.logPort}`;
}

/** The bearer token: --token, else YIWANG_TOKEN. */
export function token(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const t = flag ?? env['YIWANG_TOKEN'];
  if (!t) throw usage('a token is needed: --token <jwt> or YIWANG_TOKEN (role analyst.replay)');
  return t;
}
