export { PlatformaticBroker, type PlatformaticBrokerOptions } from './platformatic-broker';
