/** The one event topic of a service: `yiwang.<service>.events.v1`. */
export const eventTopic = (service: string): string => `yiwang.${service}.events.v1`;

/** Where a consumer of `topic` sends the messages it cannot handle. */
export const dlqTopic = (topic: string): string => `${topic}.dlq`;

/** The CloudEvents `source` of a service's events. */
export const serviceSource = (service: string): string => `/yiwang/${service}`;
