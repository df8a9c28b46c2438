// `node --import tsx test/demo/run-service-day.ts <service>` — what the start script runs for each
// line-of-work service (enforcement, parking, heating, sanitation): its day, played through its
// public API. Addresses from DEMO_GRPC / DEMO_HTTP, tokens signed with AUTH_JWT_SECRET.
import { createHmac } from 'node:crypto';

type Token = (sub: string, dept: string, roles: string[]) => string;
type DayOptions = { grpcAddress: string; httpBase?: string; token: Token; log: (line: string) => void };
type Day = (o: DayOptions) => Promise<string[]>;

/** The days, loaded lazily: a service whose step is not there yet is reported, not fatal to the others. */
const DAYS: Record<string, () => Promise<Day>> = {
  enforcement: async () => (await import('./enforcement-day')).playEnforcementDay,
  parking: async () => (await import('./parking-day')).playParkingDay,
  heating: async () => (await import('./heating-day')).playHeatingDay,
  sanitation: async () => (await import('./sanitation-day')).playSanitationDay,
};

const b64url = (s: string | Buffer): string => Buffer.from(s).toString('base64url');

/** An HS256 bearer token as the services verify it (sub, dept, roles; one hour), signed synchronously. */
function signer(secret: string): Token {
  return (sub, dept, roles) => {
    const now = Math.floor(Date.now() / 1000);
    const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const body = b64url(JSON.stringify({ sub, dept, roles, iat: now, exp: now + 3600 }));
    return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
  };
}

async function main(): Promise<void> {
  const service = process.argv[2] ?? '';
  const load = DAYS[service];
  const grpcAddress = process.env.DEMO_GRPC;
  const secret = process.env.AUTH_JWT_SECRET;
  if (!load || !grpcAddress || !secret)
    throw new Error(`usage: DEMO_GRPC=… AUTH_JWT_SECRET=… run-service-day.ts <${Object.keys(DAYS).join('|')}>`);
  const play = await load();
  const lines = await play({
    grpcAddress,
    ...(process.env.DEMO_HTTP ? { httpBase: process.env.DEMO_HTTP } : {}),
    token: signer(secret),
    log: (l) => (process.env.DEMO_VERBOSE ? console.log(`  ${l}`) : undefined),
  });
  for (const l of lines) console.log(l);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`${process.argv[2]} day failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
