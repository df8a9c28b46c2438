/** May read a service's ordered log (replays, exports, rebuilds, indicators). */
export const ANALYST_REPLAY_ROLE = 'analyst.replay';
/** May also see personal data (reporters' names and phones, plates) in what the log returns. */
export const ANALYST_PERSONAL_DATA_ROLE = 'analyst.personal-data';
