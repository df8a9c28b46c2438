export default async function globalTeardown() {
  const servers = globalThis.__YIWANG_SERVERS__;
  if (servers) await servers.stop();
}
