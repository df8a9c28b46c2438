import { type FastifyInstance } from 'fastify';
import { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type Logger } from '../logging/logger';

/** The fastify instance type `buildHttpApp` returns (plain HTTP/1, the platform's pino logger). */
export type HttpApp = FastifyInstance<Server, IncomingMessage, ServerResponse, Logger>;
