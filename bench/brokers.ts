// The broker the benches use: KAFKA_CLIENT=kafkajs|platformatic picks the adapter, as in the services.
import { createMessageBroker, type MessageBroker } from '@yiwang/kernel-kafka';

export function brokerFor(brokers: string, clientId: string): MessageBroker {
  return createMessageBroker({ brokers: brokers.split(','), clientId });
}
