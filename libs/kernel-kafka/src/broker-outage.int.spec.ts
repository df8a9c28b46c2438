// A service's messaging parts started while the broker is away: the store (the outbox) takes
// events, the relay and the consumer start without waiting, say they are down, and once the broker
// appears they create what is missing, publish the backlog and hand it to the consumer.
import { componentStatuses, type LoggedEvent } from '@yiwang/kernel-core';
import { MongoEventStore, MongoInbox, mongoRelayStorage } from '@yiwang/kernel-mongodb';
import { freePort, testDatabase, testServers, uniqueName } from '@yiwang/testing';
import { createMessageBroker } from './broker-factory';
import { JsonEventCodec } from './cloudevents/event-codec';
import { EventConsumer } from './consumer/event-consumer';
import { KafkajsBroker } from './kafkajs/kafkajs-broker';
import { readTopic, until } from './messaging.test-helpers';
import type { ConsumerOptions, MessageBroker, MessageConsumer, MessageProducer, TopicAdmin } from './ports';
import { EventRelay } from './relay/event-relay';

/**
 * The broker as a service sees it across an outage: every client made before `arrive()` talks to a
 * closed port, every one made after to the real broker (the relay and the consumer make new
 * clients when they reconnect, as they would after a real broker restart).
 */
class ArrivingBroker implements MessageBroker {
  private current: MessageBroker;
  constructor(
    private readonly dead: MessageBroker,
    private readonly live: MessageBroker,
  ) {
    this.current = dead;
  }
  arrive(): void {
    this.current = this.live;
  }
  producer(): MessageProducer {
    return this.current.producer();
  }
  consumer(options: ConsumerOptions): MessageConsumer {
    return this.current.consumer(options);
  }
  admin(): TopicAdmin {
    return this.current.admin();
  }
}

const prefix = uniqueName(__filename);
const codec = new JsonEventCodec();
let t: Awaited<ReturnType<typeof testDatabase>>;

beforeAll(async () => {
  t = await testDatabase(__filename);
});
afterAll(async () => {
  await t.close();
});

describe('messaging with the broker down at start', () => {
  it('starts without the broker, takes events into the store, and publishes and consumes them once the broker appears', async () => {
    const service = `${prefix}_svc`;
    const topic = `yiwang.${service}.events.v1`;
    const group = `${prefix}.reader`;
    const store = new MongoEventStore(t.db, { serviceName: service });
    await store.init();
    store.startSequencer();
    const dead = new KafkajsBroker({
      brokers: [`127.0.0.1:${await freePort()}`],
      clientId: prefix,
      logLevel: 'nothing',
      kafka: { connectionTimeout: 300, retry: { retries: 0 } },
    });
    const broker = new ArrivingBroker(dead, createMessageBroker({ brokers: testServers().kafkaBrokers, clientId: prefix }));
    const relay = new EventRelay({
      store,
      ...mongoRelayStorage(t.db),
      broker,
      serviceName: service,
      codec,
      partitions: 3,
      pollIntervalMs: 50,
      leaseTtlMs: 3_000,
    });
    const received: LoggedEvent[] = [];
    const connectionErrors: unknown[] = [];
    const consumer = new EventConsumer({
      broker,
      inbox: new MongoInbox(t.db),
      group,
      topics: [topic],
      codec,
      createMissingTopics: { partitions: 3 },
      handler: async (event) => void received.push(event),
      onConnectionError: (e) => connectionErrors.push(e),
    });
    try {
      // Neither waits for the broker (before, both rejected with a connection error here).
      await relay.start();
      await consumer.start();

      // Commands are accepted meanwhile: the store is the outbox.
      for (let i = 0; i < 20; i++)
        await store.append(`case-${i % 4}`, 'any', [
          { type: 'test.case.touched.v1', data: { i }, metadata: { actor: { subject: 'u1', department: 'd1' } } },
        ]);
      await until(
        () => componentStatuses()[`relay:${topic}`]?.state === 'down' && componentStatuses()[`consumer:${group}`]?.state === 'down',
        30_000,
        'relay and consumer reporting the broker down',
      );
      expect(connectionErrors.length).toBeGreaterThan(0);
      expect(consumer.isConnected).toBe(false);

      broker.arrive();
      await until(() => received.length === 20, 40_000, '20 events consumed after the broker arrived').catch((e: unknown) => {
        throw new Error(`${String(e)}: ${received.length} received; ${JSON.stringify(componentStatuses())}`);
      });
      expect(new Set(received.map((e) => e.id)).size).toBe(20);
      expect((await readTopic(broker, topic)).length).toBe(20);
      expect(componentStatuses()[`relay:${topic}`]?.state).toBe('up');
      // Its share of the group's partitions (all of them: it is the only member).
      expect(componentStatuses()[`consumer:${group}`]).toMatchObject({ state: 'up', figures: { partitions: expect.any(Number) } });
      expect(componentStatuses()[`consumer:${group}`]?.figures?.['partitions']).toBeGreaterThan(0);
      expect(consumer.isConnected).toBe(true);
    } finally {
      await consumer.stop();
      await relay.stop();
      await store.stopSequencer();
    }
  });

  it('reports connection failures to onError when there is no connection hook, and stops cleanly while still trying', async () => {
    const dead = new KafkajsBroker({
      brokers: [`127.0.0.1:${await freePort()}`],
      clientId: prefix,
      logLevel: 'nothing',
      kafka: { connectionTimeout: 300, retry: { retries: 0 } },
    });
    const errors: Array<{ error: unknown; topic: string; partition: number }> = [];
    const topic = `yiwang.${prefix}_none.events.v1`;
    const consumer = new EventConsumer({
      broker: dead,
      inbox: new MongoInbox(t.db),
      group: `${prefix}.stopper`,
      topics: [topic],
      codec,
      handler: async () => undefined,
      onError: (error, m) => errors.push({ error, topic: m.topic, partition: m.partition }),
    });
    await consumer.start();
    await until(() => errors.length > 0, 30_000, 'a failed connection attempt');
    expect(errors[0]).toMatchObject({ topic, partition: -1, error: expect.any(Error) });
    await consumer.stop();
    expect(componentStatuses()[`consumer:${prefix}.stopper`]?.state).toBe('stopped');
    expect(consumer.isConnected).toBe(false);
  });
});
