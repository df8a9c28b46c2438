// Intake started while Kafka is away: it listens, takes reports (the store is the outbox) and says
// it is ready, with the broker shown down; a later start with the broker there publishes them.
import { createMessageBroker, type IncomingMessage } from '@yiwang/kernel-kafka';
import { freePort, testServers } from '@yiwang/testing';
import { cellCentre, reportStreamId, shippedUnitGrid } from './domain';
import { http, quietLogger, testConfig, until } from './intake.test-helpers';
import { startIntakeService } from './service';

const inCity = cellCentre([...shippedUnitGrid().cells.values()][5]!);

it('starts, takes reports and stays ready with the broker down, and publishes them once a start finds the broker', async () => {
  const deadBroker = `127.0.0.1:${await freePort()}`;
  const config = testConfig(__filename, { KAFKA_BROKERS: deadBroker });
  const outage = await startIntakeService(config, { logger: quietLogger() });
  const reportIds: string[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const r = await http(outage.httpAddress, '/v1/reports', {
        body: { category: 'event.01.02', location: inCity, description: `断网 ${i}` },
      });
      expect(r.status).toBe(201);
      reportIds.push(r.json<{ reportId: string }>().reportId);
    }
    const ready = await http(outage.httpAddress, '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ready', checks: { mongodb: { status: 'up' }, kafka: { status: 'down' } } });
  } finally {
    await outage.stop();
  }

  // The same database with the broker back (a restart after the outage): the relay publishes the backlog.
  const restarted = await startIntakeService({ ...config, kafkaBrokers: testServers().kafkaBrokers }, { logger: quietLogger() });
  try {
    const broker = createMessageBroker({ brokers: testServers().kafkaBrokers, clientId: 'intake-broker-outage-test' });
    const seen = new Set<string>();
    const consumer = broker.consumer({ groupId: `${config.consumerGroup}.reader` });
    await consumer.connect();
    await until(
      async () => {
        await consumer.subscribe([config.eventsTopic], { fromBeginning: true });
        return true;
      },
      30_000,
      'the topic created by the relay',
    );
    await consumer.run({
      // The key is the stream id: enough to know each report's events got out.
      eachMessage: async (m: IncomingMessage) => void seen.add(m.key?.toString() ?? ''),
    });
    try {
      await until(
        async () => reportIds.every((id) => seen.has(reportStreamId(id as never))),
        60_000,
        'the reports taken during the outage on the topic',
      );
    } finally {
      await consumer.disconnect();
    }
  } finally {
    await restarted.stop();
  }
});
