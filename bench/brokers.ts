// The broker the benches use: KAFKA_CLIENT=kafkajs|platformatic picks the adapter, as in the services.
import { KafkajsBroker, type MessageBroker } from '@yiwang/kernel-kafka';

export function brokerFor(brokers: string, clientId: string): MessageBroker {
  return new KafkajsBroker({ brokers: brokers.split(','), clientId });
}
