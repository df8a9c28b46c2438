// Issue 16: every service's OpenAPI document is as exact as its code. Each service runs in-process
// against the real broker and database; requests are generated from the document it serves (valid
// ones and mutated ones) and each answer must be documented: no 5xx, no undocumented status, no body
// off its schema, no validation refusal of a request the schema calls valid. The served documents
// must also equal the ones published under docs/api/ (`npm run docs:api` writes them).
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { signToken, createLogger } from '@yiwang/platform';
import { loadEnforcementConfig, startEnforcementService } from '@yiwang/enforcement';
import { loadHeatingConfig, startHeatingService } from '@yiwang/heating';
import { loadParkingConfig, startParkingService } from '@yiwang/parking';
import { loadSanitationConfig, startSanitationService } from '@yiwang/sanitation';
import { testServers, uniqueName } from '@yiwang/testing';
import { fuzzOperations, operationsOf, type FuzzReport } from './openapi-fuzz.test-helpers';
import { SECRET as LINK_SECRET, startLink, type Link } from './opscenter-link.test-helpers';

const SECRET = 'openapi-property-secret-of-at-least-32-chars';
/** Generated requests per operation (half valid, half mutated); the fuzz bench runs more. */
const RUNS = Number(process.env['OPENAPI_FUZZ_RUNS'] ?? 100);
const SEED = Number(process.env['OPENAPI_FUZZ_SEED'] ?? 20261202);
const DOCS = resolve(__dirname, '..', '..', 'docs', 'api');
/** `npm run docs:api`: write the served documents to docs/api/ instead of comparing them. */
const WRITE = process.env['OPENAPI_WRITE'] === '1';
/** Per service: its start (up to ~20 s on a loaded machine) and the requests, ~2 ms each at least. */
const TIMEOUT = 90_000 + RUNS * 1_000;

/** Keys in order at every level, so that a regenerated document diffs only where the API changed. */
const sorted = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(sorted)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
        )
      : v;

const quiet = createLogger({ service: 'openapi-property', level: 'silent' });
const common = () => {
  const servers = testServers();
  return {
    BIND_HOST: '127.0.0.1',
    MONGODB_URI: servers.mongoUri,
    KAFKA_BROKERS: servers.kafkaBrokers.join(','),
    AUTH_JWT_SECRET: SECRET,
    PII_MASTER_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'silent',
  };
};
const prefix = (name: string) => uniqueName(`${__filename}-${name}`);

/** A caller holding every role of the service, so that each operation is reached past its role check. */
const token = (roles: string[], secret = SECRET, department = 'dept.fuzz') =>
  signToken({ subject: 'fuzz.client', department, roles }, { secret });

interface Target {
  readonly base: string;
  readonly token: string;
  stop(): Promise<void>;
}

const reports: Array<{ service: string; report: FuzzReport }> = [];

async function fuzz(service: string, target: Target): Promise<void> {
  try {
    const doc = (await (await fetch(`${target.base}/openapi.json`)).json()) as Parameters<typeof operationsOf>[0];
    const operations = operationsOf(doc);
    expect(operations.length).toBeGreaterThan(0);
    const file = join(DOCS, `${service}.openapi.json`);
    if (WRITE) writeFileSync(file, `${JSON.stringify(sorted(doc), null, 2)}\n`);
    const published = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    // A failure here: the API changed and docs/api/ was not regenerated (`npm run docs:api`).
    expect({ service, doc: sorted(doc) }).toEqual({ service, doc: published });
    if (RUNS === 0) return;
    const report = await fuzzOperations(target.base, operations, { runs: RUNS, seed: SEED, token: () => target.token });
    reports.push({ service, report });
    process.stdout.write(
      `openapi property ${service}: ${report.cases} cases over ${operations.length} operations (${report.valid} schema-valid), statuses ${JSON.stringify(report.byStatus)}, slowest ${JSON.stringify(report.slowest)}, seed ${SEED}\n`,
    );
    expect(report.failures).toEqual([]);
  } finally {
    await target.stop();
  }
}

describe('OpenAPI documents hold against generated requests', () => {
  afterAll(() => {
    const cases = reports.reduce((n, r) => n + r.report.cases, 0);
    process.stdout.write(`openapi property: ${cases} cases in all, ${reports.length} services\n`);
  });

  describe('intake, dispatch and integration (the link)', () => {
    let link: Link;
    beforeAll(async () => {
      link = await startLink(__filename);
    }, 120_000);
    afterAll(async () => {
      await link?.close();
    });

    it(
      'intake',
      async () => {
        const roles = ['hotline.agent', 'sensor.gateway', 'centre.supervision', 'admin.categories'];
        await fuzz('intake', { base: link.intake.httpAddress, token: await token(roles, LINK_SECRET), stop: async () => {} });
      },
      TIMEOUT,
    );

    it(
      'dispatch',
      async () => {
        const roles = ['centre.command', 'centre.supervision', 'analyst'];
        await fuzz('dispatch', { base: link.dispatch.httpAddress, token: await token(roles, LINK_SECRET), stop: async () => {} });
      },
      TIMEOUT,
    );

    it(
      'integration',
      async () => {
        const roles = ['centre.command', 'integration.operator'];
        await fuzz('integration', { base: link.integration.httpAddress, token: await token(roles, LINK_SECRET), stop: async () => {} });
      },
      TIMEOUT,
    );
  });

  it(
    'enforcement',
    async () => {
      const p = prefix('enforcement');
      const service = await startEnforcementService(
        loadEnforcementConfig({
          ...common(),
          ENFORCEMENT_GRPC_PORT: '0',
          ENFORCEMENT_HTTP_PORT: '0',
          ENFORCEMENT_DB: `${p}_enforcement`,
          ENFORCEMENT_TOPIC: `yiwang.${p}_enforcement.events.v1`,
          ENFORCEMENT_DISPATCH_TOPIC: `yiwang.${p}_dispatch.events.v1`,
          ENFORCEMENT_DISPATCH_GROUP: `${p}.dispatch-handover`,
        }),
        { logger: quiet },
      );
      const roles = ['enforcement.officer', 'enforcement.approver', 'enforcement.bureau-head', 'enforcement.legal-reviewer'];
      await fuzz('enforcement', { base: service.httpAddress, token: await token(roles), stop: () => service.stop() });
    },
    TIMEOUT,
  );

  it(
    'parking',
    async () => {
      const p = prefix('parking');
      const service = await startParkingService(
        loadParkingConfig({
          ...common(),
          PARKING_HOST: '127.0.0.1',
          PARKING_GRPC_PORT: '0',
          PARKING_HTTP_PORT: '0',
          PARKING_DB: `${p}_parking`,
          PARKING_EVENTS_TOPIC: `yiwang.${p}_parking.events.v1`,
          DISPATCH_EVENTS_TOPIC: `yiwang.${p}_dispatch.events.v1`,
          PARKING_CONSUMER_GROUP: `${p}.dispatch-link`,
        }),
        { logger: quiet },
      );
      const roles = ['parking.officer', 'parking.planner', 'parking.plates'];
      await fuzz('parking', { base: service.httpAddress, token: await token(roles), stop: () => service.stop() });
    },
    TIMEOUT,
  );

  it(
    'heating',
    async () => {
      const p = prefix('heating');
      const service = await startHeatingService(
        loadHeatingConfig({
          ...common(),
          HEATING_GRPC_PORT: '0',
          HEATING_HTTP_PORT: '0',
          HEATING_DB: `${p}_heating`,
          HEATING_TOPIC: `yiwang.${p}_heating.events.v1`,
          INTAKE_TOPIC: `yiwang.${p}_intake.events.v1`,
          HEATING_CONSUMER_GROUP: `${p}.heating`,
        }),
        { logger: quiet },
      );
      const roles = ['heating.supervision', 'heating.gateway', 'heating.intake'];
      await fuzz('heating', { base: service.httpAddress, token: await token(roles), stop: () => service.stop() });
    },
    TIMEOUT,
  );

  it(
    'sanitation',
    async () => {
      const p = prefix('sanitation');
      const service = await startSanitationService(
        loadSanitationConfig({
          ...common(),
          SANITATION_GRPC_PORT: '0',
          SANITATION_HTTP_PORT: '0',
          SANITATION_DB: `${p}_sanitation`,
          SANITATION_TOPIC: `yiwang.${p}_sanitation.events.v1`,
          INTAKE_EVENTS_TOPIC: `yiwang.${p}_intake.events.v1`,
          SANITATION_CONSUMER_GROUP: `${p}.sanitation`,
          SANITATION_DAY_CLOSE_INTERVAL_MS: '0',
        }),
        { logger: quiet },
      );
      const roles = ['sanitation.admin', 'sanitation.staff'];
      await fuzz('sanitation', { base: service.httpAddress, token: await token(roles), stop: () => service.stop() });
    },
    TIMEOUT,
  );
});
