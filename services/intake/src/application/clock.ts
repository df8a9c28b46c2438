/** The service's only source of time, injectable so tests (and the seeded demo day) control it. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** An ISO-8601 instant as the domain wants it (UTC, explicit `Z`). */
export const instantOf = (clock: Clock): string => clock().toISOString();
