// Quiet at rest (issue 11, item 1): what the kernel's components cost the database while nothing
// happens. A private FerretDB 1.24 (its own data folder and port, so its CPU is ours alone) serves
// three "services" in one process, each with what a service runs: an event store with its
// sequencer, two projectors, a relay and a consumer of another service's topic. A short burst of
// events goes through first (so every loop has state), then the database server's CPU (from
// /proc/<pid>/stat) and every command the components send are counted over a quiet window.
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import type { Projection } from '@yiwang/kernel-core';
import { EventConsumer, EventRelay, JsonEventCodec, eventTopic, type MessageBroker } from '@yiwang/kernel-kafka';
import { MongoEventStore, MongoInbox, Projector, mongoRelayStorage } from '@yiwang/kernel-mongodb';
import type { Servers } from '../infra/local/servers.mjs';
import { cpuSeconds, privateFerret } from './private-ferret';
import { brokerFor } from './brokers';

const SERVICES = ['intake', 'dispatch', 'integration'] as const;
const WRITES = new Set(['insert', 'update', 'delete', 'findAndModify']);

const counting = (name: string, counts: Map<string, number>): Projection => ({
  name,
  handles: ['bench.thing.v1'],
  apply: async (e, models) => {
    await models.model<{ n: number }>('things').upsert(e.streamId, e, (c) => ({ n: (c?.n ?? 0) + 1 }));
    counts.set(name, (counts.get(name) ?? 0) + 1);
  },
});

interface ServiceUnderTest {
  readonly name: string;
  readonly store: MongoEventStore;
  readonly consumer: EventConsumer;
  readonly ops: Map<string, number>;
  startCounting(): void;
  stop(): Promise<void>;
}

export interface IdleOptions {
  readonly seconds: number;
  readonly events: number;
}

export async function benchIdle(servers: Servers, options: IdleOptions): Promise<string> {
  const ferret = await privateFerret('idle');
  const stamp = Date.now();
  const broker: MessageBroker = brokerFor(servers.kafkaBrokers, 'bench-idle');
  const codec = new JsonEventCodec();
  const handled = new Map<string, number>();
  const applied = new Map<string, number>();
  const services: ServiceUnderTest[] = [];
  try {
    for (const [i, name] of SERVICES.entries()) {
      const client = new MongoClient(ferret.uri, { monitorCommands: true });
      await client.connect();
      const ops = new Map<string, number>();
      let counting_ = false;
      client.on('commandStarted', (e: CommandStartedEvent) => {
        if (!counting_) return;
        const target = e.command[e.commandName];
        const key = `${e.commandName} ${typeof target === 'string' ? target.replace(/_g\d+$/, '') : ''}`.trim();
        ops.set(key, (ops.get(key) ?? 0) + 1);
      });
      const db = client.db(`idle_${name}_${stamp}`);
      const serviceName = `idle${name}${stamp}`;
      const store = new MongoEventStore(db, { serviceName });
      await store.init();
      store.startSequencer();
      const projectors = [
        new Projector(db, store, counting(`${name}_a`, applied), { pollIntervalMs: 100 }),
        new Projector(db, store, counting(`${name}_b`, applied), { pollIntervalMs: 200 }),
      ];
      projectors.forEach((p) => p.start());
      const relay = new EventRelay({ store, ...mongoRelayStorage(db), broker, serviceName, codec });
      await relay.start();
      const unsubscribe = store.onLogAdvanced(() => {
        relay.wake();
        projectors.forEach((p) => p.wake());
      });
      const upstream = eventTopic(`idle${SERVICES[(i + SERVICES.length - 1) % SERVICES.length]}${stamp}`);
      const consumer = new EventConsumer({
        broker,
        inbox: new MongoInbox(db),
        group: `${serviceName}.consumer`,
        topics: [upstream],
        codec,
        handler: async () => {
          handled.set(name, (handled.get(name) ?? 0) + 1);
        },
      });
      services.push({
        name,
        store,
        consumer,
        ops,
        startCounting: () => {
          counting_ = true;
        },
        stop: async () => {
          unsubscribe();
          await consumer.stop();
          await relay.stop();
          for (const p of projectors) await p.stop();
          await store.stopSequencer();
          await client.close();
        },
      });
    }
    // Consumers start once every relay has created its topic.
    for (const s of services) await s.consumer.start();
    // The burst: every loop gets state (checkpoints, leases, inbox) as after a demo day. Its
    // commands, divided by the events, are what one event costs the kernel (append, sequencing,
    // relay, two projectors, and the consumer's share of the upstream service's events).
    for (const s of services) s.startCounting();
    const burstStarted = Date.now();
    await Promise.all(
      services.map(async (s) => {
        for (let k = 0; k < options.events; k++) await s.store.append(`thing-${k % 10}`, 'any', [{ type: 'bench.thing.v1', data: { k } }]);
      }),
    );
    const until = Date.now() + 120_000;
    while (
      SERVICES.some(
        (n) =>
          (handled.get(n) ?? 0) < options.events ||
          (applied.get(`${n}_a`) ?? 0) < options.events ||
          (applied.get(`${n}_b`) ?? 0) < options.events,
      )
    ) {
      if (Date.now() > until)
        throw new Error(`the burst did not go through: handled ${JSON.stringify([...handled])}, applied ${JSON.stringify([...applied])}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const burstSeconds = (Date.now() - burstStarted) / 1000;
    const burst = services.map((s) => ({ name: s.name, ops: new Map(s.ops) }));
    // Let the loops settle into their idle rhythm (backoffs grow), then measure.
    await new Promise((r) => setTimeout(r, 5_000));
    for (const s of services) s.ops.clear();
    const cpu0 = cpuSeconds(ferret.pid);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, options.seconds * 1000));
    const seconds = (Date.now() - t0) / 1000;
    const cpu = cpuSeconds(ferret.pid) - cpu0;
    const snapshot = services.map((s) => ({ name: s.name, ops: new Map(s.ops) }));
    const out = [`## Idle (${seconds.toFixed(0)} s of no traffic after ${options.events} events per service)`, ''];
    out.push(
      `Private FerretDB 1.24 (pid ${ferret.pid}): **${((cpu / seconds) * 100).toFixed(1)} % of one core** (${cpu.toFixed(2)} CPU-s in ${seconds.toFixed(0)} s), serving ${SERVICES.length} services × (sequencer + 2 projectors + relay + consumer).`,
      '',
    );
    out.push('| service | commands/s | writes/s | reads/s |', '|---|---|---|---|');
    for (const s of snapshot) {
      let writes = 0;
      let all = 0;
      for (const [k, n] of s.ops) {
        all += n;
        if (WRITES.has(k.split(' ')[0]!)) writes += n;
      }
      out.push(
        `| ${s.name} | ${(all / seconds).toFixed(2)} | ${(writes / seconds).toFixed(2)} | ${((all - writes) / seconds).toFixed(2)} |`,
      );
    }
    const merged = new Map<string, number>();
    for (const s of snapshot) for (const [k, n] of s.ops) merged.set(k, (merged.get(k) ?? 0) + n);
    out.push('', 'Per command and collection, all three services, per second:', '', '| command | per s |', '|---|---|');
    for (const [k, n] of [...merged].sort((a, b) => b[1] - a[1])) out.push(`| \`${k}\` | ${(n / seconds).toFixed(2)} |`);
    out.push('', `### Per event (the burst: ${options.events} single-event appends per service, ${burstSeconds.toFixed(1)} s)`, '');
    out.push('| service | commands/event | writes/event |', '|---|---|---|');
    const burstMerged = new Map<string, number>();
    for (const s of burst) {
      let writes = 0;
      let all = 0;
      for (const [k, n] of s.ops) {
        all += n;
        if (WRITES.has(k.split(' ')[0]!)) writes += n;
        burstMerged.set(k, (burstMerged.get(k) ?? 0) + n);
      }
      out.push(`| ${s.name} | ${(all / options.events).toFixed(1)} | ${(writes / options.events).toFixed(1)} |`);
    }
    out.push('', '| command (all services) | per event |', '|---|---|');
    for (const [k, n] of [...burstMerged].sort((a, b) => b[1] - a[1]))
      out.push(`| \`${k}\` | ${(n / options.events / SERVICES.length).toFixed(2)} |`);
    out.push('');
    return out.join('\n');
  } finally {
    for (const s of services) await s.stop().catch(() => undefined);
    await ferret.stop();
  }
}
