// `node --import tsx test/demo/run-seed.ts` — what the start script runs; addresses come from env.
// DEMO_PHASE=day (default) seeds the day; DEMO_PHASE=late (with DEMO_STATS from the day) has the
// units close half of the open cases late, once dispatch's clock has moved past their deadlines.
import { closeSomeLate, seedDay, type DayStats } from './seed-day';
import { type DemoEndpoints } from './demo-clients';

const need = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};

async function run(): Promise<DayStats> {
  const ep: DemoEndpoints = {
    intakeGrpc: need('DEMO_INTAKE_GRPC'),
    intakeHttp: need('DEMO_INTAKE_HTTP'),
    dispatchGrpc: need('DEMO_DISPATCH_GRPC'),
    secret: need('AUTH_JWT_SECRET'),
  };
  const log = (line: string): void => console.log(line);
  if (process.env.DEMO_PHASE === 'late') return closeSomeLate(ep, JSON.parse(need('DEMO_STATS')) as DayStats, log);
  return seedDay(ep, Number(process.env.DEMO_REPORTS ?? 250), log);
}

run().then(
  (stats) => {
    console.log(`DEMO_STATS ${JSON.stringify(stats)}`);
    process.exit(0);
  },
  (e: unknown) => {
    console.error(`seeding failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
