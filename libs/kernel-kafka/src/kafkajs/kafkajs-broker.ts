import { Kafka, logLevel as KafkaLogLevel, Partitioners, type KafkaConfig, type Producer } from 'kafkajs';
import {
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_REBALANCE_TIMEOUT_MS,
  DEFAULT_SESSION_TIMEOUT_MS,
  type ConsumerOptions,
  type DeliveryReport,
  type MessageBroker,
  type MessageConsumer,
  type MessageProducer,
  type OutgoingMessage,
  type TopicAdmin,
} from '../ports';
import { KafkajsConsumer } from './kafkajs-consumer';
import { KafkajsAdmin } from './kafkajs-admin';

export interface KafkajsBrokerOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** kafkajs' own log level; it logs to the console, so quiet by default. */
  readonly logLevel?: 'nothing' | 'error' | 'warn' | 'info' | 'debug';
  /** Anything else kafkajs accepts (ssl, sasl, timeouts), passed through. */
  readonly kafka?: Omit<KafkaConfig, 'brokers' | 'clientId' | 'logLevel'>;
}

const LEVELS = {
  nothing: KafkaLogLevel.NOTHING,
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
} as const;

/** The {@link MessageBroker} port on kafkajs 2.x: one `Kafka` client, producers, consumers and admins from it. */
export class KafkajsBroker implements MessageBroker {
  private readonly kafka: Kafka;

  constructor(options: KafkajsBrokerOptions) {
    this.kafka = new Kafka({
      ...options.kafka,
      brokers: [...options.brokers],
      clientId: options.clientId,
      logLevel: LEVELS[options.logLevel ?? 'error'],
    });
  }

  producer(): MessageProducer {
    return new KafkajsProducer(
      this.kafka.producer({
        // Idempotent + one request in flight: the broker drops the client's own retry duplicates and
        // a retried request can never overtake a later one, so per-partition order holds.
        idempotent: true,
        maxInFlightRequests: 1,
        // The Java client's murmur2 partitioner, so other clients place the same key on the same partition.
        createPartitioner: Partitioners.DefaultPartitioner,
        // kafkajs defaults to endless retries for an idempotent producer; a relay must see a failure
        // to back off and reconnect, so bound them.
        retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5_000 },
      }),
    );
  }

  consumer(options: ConsumerOptions): MessageConsumer {
    let adapter: KafkajsConsumer | null = null;
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
      rebalanceTimeout: options.rebalanceTimeoutMs ?? DEFAULT_REBALANCE_TIMEOUT_MS,
      heartbeatInterval: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
      maxBytesPerPartition: options.maxBytesPerPartition ?? 1_048_576,
      // Never let kafkajs crash-restart a member on a handler error behind our back: the handler
      // retries, dead-letters and commits itself. A member that lost the broker restarts after a
      // growing pause (kafkajs alone would restart every 300 ms, forever).
      retry: { retries: 5, restartOnFailure: async () => adapter?.restartAfterCrash() ?? false },
    });
    adapter = new KafkajsConsumer(consumer, { partitionsConcurrently: options.partitionsConcurrently ?? 1 });
    return adapter;
  }

  admin(): TopicAdmin {
    return new KafkajsAdmin(this.kafka.admin());
  }
}

class KafkajsProducer implements MessageProducer {
  constructor(private readonly producer: Producer) {}

  connect(): Promise<void> {
    return this.producer.connect();
  }

  async send(messages: readonly OutgoingMessage[]): Promise<readonly DeliveryReport[]> {
    if (messages.length === 0) return [];
    // Group by topic, keeping the caller's order inside each topic (kafkajs keeps it per partition).
    const byTopic = new Map<string, OutgoingMessage[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic);
      if (list) list.push(m);
      else byTopic.set(m.topic, [m]);
    }
    const metadata = await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map((m) => ({
          key: m.key,
          value: m.value,
          headers: m.headers ? { ...m.headers } : undefined,
          partition: m.partition,
        })),
      })),
    });
    return metadata.map((r) => ({ topic: r.topicName, partition: r.partition, baseOffset: r.baseOffset ?? r.offset ?? '-1' }));
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}
