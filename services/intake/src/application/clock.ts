import type { Clock } from '@yiwang/kernel-core';

/** An ISO-8601 instant as the domain wants it (UTC, explicit `Z`), read from the service's one clock. */
export const instantOf = (clock: Clock): string => clock.now().toISOString();
