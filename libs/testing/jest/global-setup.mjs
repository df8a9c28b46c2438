// One broker and one database server per jest run, shared by every int/e2e test file.
// Unit-only runs (`--selectProjects unit`) need neither and skip provisioning.
import { ensureServers } from '../../../infra/local/servers.mjs';

export default async function globalSetup(globalConfig) {
  const selected = globalConfig.selectProjects;
  if (selected && selected.length > 0 && selected.every((p) => p === 'unit')) return;
  const servers = await ensureServers({ fresh: 'when-starting' });
  process.env.KAFKA_BROKERS = servers.kafkaBrokers;
  process.env.MONGODB_URI = servers.mongoUri;
  process.env.YIWANG_TEST_SERVERS_MODE = servers.mode;
  globalThis.__YIWANG_SERVERS__ = servers;
}
