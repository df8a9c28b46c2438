// docker-compose.yml cannot be run here (no Docker engine), so check what can be checked without
// one: it parses, it has the infrastructure, and every service in services/ has a slot that builds
// from this repo and gets the settings its config requires.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(__dirname, '..', '..');
type ComposeService = { build?: { args?: Record<string, string> }; environment?: Record<string, string>; image?: string };
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = readdirSync(join(root, 'services')).filter((s) => existsSync(join(root, 'services', s, 'src', 'main.ts')));

it('runs Kafka, MongoDB 7 as a replica set, an OpenTelemetry collector and a trace viewer', () => {
  expect(compose.services.kafka?.image).toMatch(/kafka/);
  expect(compose.services.mongo?.image).toMatch(/^mongo:7/);
  expect(JSON.stringify(compose.services.mongo)).toContain('--replSet');
  expect(compose.services['otel-collector']?.image).toMatch(/opentelemetry-collector/);
  expect(compose.services.jaeger?.image).toMatch(/jaeger/);
});

it.each(services)('has a slot for service %s, built from the repo with its required settings', (name) => {
  const slot = compose.services[name];
  expect(slot).toBeDefined();
  expect(slot!.build?.args?.SERVICE).toBe(name);
  for (const v of ['KAFKA_BROKERS', 'MONGODB_URI', 'AUTH_JWT_SECRET', 'OTEL_EXPORTER_OTLP_ENDPOINT'])
    expect(Object.keys(slot!.environment ?? {})).toContain(v);
});

it("publishes the simulator's admin API on the host's loopback only, its token from the environment", () => {
  const slot = compose.services['opscenter-simulator'] as ComposeService & { ports?: string[] };
  const admin = (slot.ports ?? []).filter((p) => p.endsWith(':8090'));
  expect(admin).toEqual(['127.0.0.1:8090:8090']);
  expect(slot.environment?.['SIM_ADMIN_TOKEN']).toMatch(/^\$\{SIM_ADMIN_TOKEN[:}]/);
});
