import { ConfigResourceTypes, type Admin } from 'kafkajs';
import type { PartitionOffset, TopicAdmin, TopicSpec } from '../ports';

const TOPIC_ALREADY_EXISTS = 'TOPIC_ALREADY_EXISTS';

/** The {@link TopicAdmin} port on the kafkajs admin client. */
export class KafkajsAdmin implements TopicAdmin {
  constructor(private readonly admin: Admin) {}

  connect(): Promise<void> {
    return this.admin.connect();
  }

  async ensureTopics(topics: readonly TopicSpec[]): Promise<readonly string[]> {
    if (topics.length === 0) return [];
    const existing = new Set(await this.admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length === 0) return [];
    try {
      await this.admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.partitions,
          replicationFactor: t.replicationFactor ?? -1,
          configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (e) {
      // Two replicas starting together race to create the same topic; the loser is fine.
      if (!isAlreadyExists(e)) throw e;
    }
    return missing.map((t) => t.topic);
  }

  async describeTopic(topic: string): Promise<{ partitions: number; config: Record<string, string> }> {
    const meta = await this.admin.fetchTopicMetadata({ topics: [topic] });
    const described = await this.admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
      includeSynonyms: false,
    });
    const config: Record<string, string> = {};
    for (const entry of described.resources[0]?.configEntries ?? []) config[entry.configName] = entry.configValue;
    return { partitions: meta.topics[0]?.partitions.length ?? 0, config };
  }

  async fetchTopicOffsets(topic: string): Promise<Array<PartitionOffset & { low: string }>> {
    const offsets = await this.admin.fetchTopicOffsets(topic);
    return offsets.map((o) => ({ partition: o.partition, offset: o.high, low: o.low })).sort((a, b) => a.partition - b.partition);
  }

  async fetchTopicOffsetsByTimestamp(topic: string, timestamp: number): Promise<PartitionOffset[]> {
    const offsets = await this.admin.fetchTopicOffsetsByTimestamp(topic, timestamp);
    return offsets.map((o) => ({ partition: o.partition, offset: o.offset })).sort((a, b) => a.partition - b.partition);
  }

  async fetchCommittedOffsets(groupId: string, topic: string): Promise<PartitionOffset[]> {
    const result = await this.admin.fetchOffsets({ groupId, topics: [topic] });
    return (result[0]?.partitions ?? [])
      .map((p) => ({ partition: p.partition, offset: p.offset }))
      .sort((a, b) => a.partition - b.partition);
  }

  disconnect(): Promise<void> {
    return this.admin.disconnect();
  }
}

const isAlreadyExists = (e: unknown): boolean => {
  const err = e as { type?: string; errors?: Array<{ type?: string }> } | null;
  return (
    err?.type === TOPIC_ALREADY_EXISTS ||
    (Array.isArray(err?.errors) && err.errors.length > 0 && err.errors.every((x) => x.type === TOPIC_ALREADY_EXISTS))
  );
};
