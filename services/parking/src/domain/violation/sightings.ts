/**
 * Camera sightings (frames) arrive in bulk; most are the same parked car again. They are stored
 * compactly as they come, and only findings — one per vehicle and spot within the window — become
 * violations. A finding keeps its first frame's time and every frame's photo.
 */
export type Sighting = Readonly<{ cameraId: string; plateHash: string; spot: string; observedMs: number; photoRef: string; index: number }>;

export type Finding = Readonly<{ first: Sighting; frames: readonly Sighting[] }>;

/** Groups frames by vehicle and spot; a frame more than `windowMs` after its group's first opens a new one. */
export function findingsOf(sightings: readonly Sighting[], windowMs: number): readonly Finding[] {
  const byKey = new Map<string, Sighting[]>();
  for (const s of sightings) {
    const key = `${s.plateHash}|${s.spot}`;
    const list = byKey.get(key) ?? [];
    list.push(s);
    byKey.set(key, list);
  }
  const findings: Finding[] = [];
  for (const list of byKey.values()) {
    list.sort((a, b) => a.observedMs - b.observedMs || a.index - b.index);
    let current: Sighting[] = [];
    for (const s of list) {
      if (current.length > 0 && s.observedMs - current[0]!.observedMs > windowMs) {
        findings.push({ first: current[0]!, frames: current });
        current = [];
      }
      current.push(s);
    }
    if (current.length > 0) findings.push({ first: current[0]!, frames: current });
  }
  return findings.sort((a, b) => a.first.index - b.first.index);
}
