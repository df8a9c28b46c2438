import type { LoggedEvent } from '@yiwang/kernel-core';

/**
 * What a service's log may hand out about people (PIPL: names, phone numbers, plates). Each service
 * knows which of its event types carry such fields; the log server applies the policy to every
 * event before encoding it, so an export can never contain them by accident.
 */
export interface PersonalDataPolicy {
  /** The event without personal fields (the default for every reader). Must not mutate the input. */
  redact(event: LoggedEvent): LoggedEvent;
  /**
   * The event with its personal fields readable, for callers holding `analyst.personal-data`
   * (e.g. contacts unsealed from the service's vault; erased ones come back null). When absent,
   * the stored event is returned as it is.
   */
  reveal?(event: LoggedEvent): Promise<LoggedEvent>;
}

/** For services whose events carry no personal data. */
export const noPersonalData: PersonalDataPolicy = { redact: (event) => event };
