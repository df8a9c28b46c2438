/**
 * @yiwang/cli — the analysts' tool is an application (`npx yiwang`, entered at main.ts); this
 * module is what benches and system tests reuse of it. Importing it runs nothing.
 */
export { SERVICES, serviceInfo, type ServiceInfo } from './services';
export { kafkaSource } from './sources/kafka-source';
export { canonical } from './rebuild/compare';
