/** Whether a moment lies in the season [startsAt, endsAt) (instants from the city's configuration). */
export const inSeasonWindow = (ms: number, startsAt: string, endsAt: string): boolean =>
  ms >= Date.parse(startsAt) && ms < Date.parse(endsAt);
