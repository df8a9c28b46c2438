import type { MessageBroker } from './ports';
import { KafkajsBroker } from './kafkajs/kafkajs-broker';
import { PlatformaticBroker } from './platformatic/platformatic-broker';

/** The adapters of the {@link MessageBroker} port. */
export const KAFKA_CLIENTS = ['kafkajs', 'platformatic'] as const;
export type KafkaClient = (typeof KAFKA_CLIENTS)[number];

/**
 * Which adapter runs when nothing is configured. kafkajs until the relay and consumer benches on
 * both agree that `@platformatic/kafka` is faster end to end (docs/benchmarks.md).
 */
export const DEFAULT_KAFKA_CLIENT: KafkaClient = 'kafkajs';

export interface MessageBrokerOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Default: the `KAFKA_CLIENT` environment variable, else {@link DEFAULT_KAFKA_CLIENT}. */
  readonly client?: KafkaClient;
}

/** Reads a client name (e.g. `KAFKA_CLIENT`); throws on anything but a known adapter. */
export function parseKafkaClient(value: string | undefined): KafkaClient {
  if (value === undefined || value === '') return DEFAULT_KAFKA_CLIENT;
  if ((KAFKA_CLIENTS as readonly string[]).includes(value)) return value as KafkaClient;
  throw new Error(`KAFKA_CLIENT must be one of ${KAFKA_CLIENTS.join(', ')}, got ${JSON.stringify(value)}`);
}

/** The broker adapter chosen by configuration, so services switch clients without code changes. */
export function createMessageBroker(options: MessageBrokerOptions): MessageBroker {
  const client = options.client ?? parseKafkaClient(process.env['KAFKA_CLIENT']);
  switch (client) {
    case 'kafkajs':
      return new KafkajsBroker({ brokers: options.brokers, clientId: options.clientId });
    case 'platformatic':
      return new PlatformaticBroker({ brokers: options.brokers, clientId: options.clientId });
    default: {
      const never: never = client;
      throw new Error(`unknown Kafka client ${String(never)}`);
    }
  }
}
