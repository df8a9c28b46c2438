export { KafkajsBroker, type KafkajsBrokerOptions } from './kafkajs-broker';
