// `node --import tsx test/demo/run-seed.ts` — what the start script runs; addresses come from env.
import { seedDay } from './seed-day';

const need = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};

seedDay(
  { intakeGrpc: need('DEMO_INTAKE_GRPC'), intakeHttp: need('DEMO_INTAKE_HTTP'), dispatchGrpc: need('DEMO_DISPATCH_GRPC'), secret: need('AUTH_JWT_SECRET') },
  Number(process.env.DEMO_REPORTS ?? 250),
  (line) => console.log(line),
).then(
  (stats) => {
    console.log(`DEMO_STATS ${JSON.stringify(stats)}`);
    process.exit(0);
  },
  (e: unknown) => {
    console.error(`seeding failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
