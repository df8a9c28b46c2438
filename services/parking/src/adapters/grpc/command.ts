import { authed, type Principal } from '@yiwang/platform';
import { ValidationError, type HandleResult } from '@yiwang/kernel-core';
import { type CommandResponse } from '@yiwang/proto/yiwang/parking/v1/parking_service';
import { type Actor } from '../../domain';

/** The caller as the deciders see it: whatever the verified token says, nothing from the request. */
export const actorOf = (p: Principal): Actor => ({ subject: p.subject, department: p.department, roles: [...p.roles] });

export type CommandRequest = { readonly expectedVersion?: number | undefined; readonly commandId: string };

export function optionsOf(req: CommandRequest, actor: Actor) {
  if (req.expectedVersion !== undefined && (!Number.isSafeInteger(req.expectedVersion) || req.expectedVersion < 0)) {
    throw new ValidationError('expected_version must be a non-negative integer', [
      { field: 'expectedVersion', message: String(req.expectedVersion) },
    ]);
  }
  return { actor, expectedVersion: req.expectedVersion, commandId: req.commandId || undefined };
}

export function toCommandResponse(id: string, result: HandleResult<{ status: string }>): CommandResponse {
  return {
    id,
    version: result.version,
    status: result.state.status,
    eventTypes: result.events.map((e) => e.type),
    replayed: result.replayed,
  };
}

/** A command method: the request and the caller in, the record's new version and status out. */
export const commandMethod = <Req extends CommandRequest>(run: (req: Req, actor: Actor) => Promise<CommandResponse>) =>
  authed<Req, CommandResponse>((req, principal) => run(req, actorOf(principal)));
