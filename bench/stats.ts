/** Tiny timing helpers for benchmarks: throughput and latency percentiles, printed as ratios to a baseline. */
export interface Run {
  readonly name: string;
  readonly ops: number;
  readonly seconds: number;
  readonly latenciesMs: number[];
}

export async function timed(name: string, ops: number, concurrency: number, op: (i: number) => Promise<void>): Promise<Run> {
  const latenciesMs: number[] = [];
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= ops) return;
        const t = process.hrtime.bigint();
        await op(i);
        latenciesMs.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  return { name, ops, seconds: Number(process.hrtime.bigint() - start) / 1e9, latenciesMs };
}

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

export function report(title: string, baseline: Run, subject: Run): string {
  const rate = (r: Run) => r.ops / r.seconds;
  const row = (r: Run) =>
    `| ${r.name} | ${rate(r).toFixed(0)} | ${pct(r.latenciesMs, 50).toFixed(2)} | ${pct(r.latenciesMs, 99).toFixed(2)} |`;
  return [
    `### ${title}`,
    '| run | ops/s | p50 ms | p99 ms |',
    '|---|---|---|---|',
    row(baseline),
    row(subject),
    `ratio (subject / baseline): throughput ${(rate(subject) / rate(baseline)).toFixed(2)}×, p50 latency ${(pct(subject.latenciesMs, 50) / pct(baseline.latenciesMs, 50)).toFixed(2)}×`,
    '',
  ].join('\n');
}
