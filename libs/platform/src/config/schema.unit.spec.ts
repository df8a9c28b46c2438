import { bool, ConfigError, int, list, loadConfig, oneOf, optional, port, str, url } from './schema';

const schema = {
  grpcPort: port('GRPC_PORT', { default: 50051 }),
  mongoUri: url('MONGODB_URI', { protocols: ['mongodb:', 'mongodb+srv:'] }),
  brokers: list('KAFKA_BROKERS'),
  logLevel: oneOf('LOG_LEVEL', ['debug', 'info', 'warn'], { default: 'info' }),
  pretty: bool('LOG_PRETTY', { default: false }),
  secret: str('AUTH_JWT_SECRET', { secret: true, minLength: 8 }),
  batch: optional(int('BATCH_SIZE', { min: 1, max: 1000 })),
};

const errorOf = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('parses every kind and applies defaults', () => {
    const config = loadConfig(
      { MONGODB_URI: 'mongodb://db:27017/', KAFKA_BROKERS: 'k1:9092, k2:9092,', LOG_PRETTY: 'yes', AUTH_JWT_SECRET: 'long-enough-secret' },
      schema,
    );
    expect(config).toEqual({
      grpcPort: 50051,
      mongoUri: 'mongodb://db:27017/',
      brokers: ['k1:9092', 'k2:9092'],
      logLevel: 'info',
      pretty: true,
      secret: 'long-enough-secret',
      batch: undefined,
    });
  });

  it('names a bad variable and says why', () => {
    const error = errorOf(() => loadConfig({ GRPC_PORT: 'abc' }, { grpcPort: port('GRPC_PORT') }));
    expect(error.message).toContain('GRPC_PORT must be an integer 1-65535, got "abc"');
    expect(error.problems).toEqual([{ variable: 'GRPC_PORT', reason: 'GRPC_PORT must be an integer 1-65535, got "abc"' }]);
  });

  it('reports every bad variable in one error, and never echoes a secret', () => {
    const error = errorOf(() =>
      loadConfig(
        { GRPC_PORT: '70000', MONGODB_URI: 'http://db', LOG_LEVEL: 'loud', LOG_PRETTY: 'maybe', AUTH_JWT_SECRET: 'short', BATCH_SIZE: '0' },
        schema,
      ),
    );
    expect(error.problems.map((p) => p.variable)).toEqual([
      'GRPC_PORT',
      'MONGODB_URI',
      'KAFKA_BROKERS',
      'LOG_LEVEL',
      'LOG_PRETTY',
      'AUTH_JWT_SECRET',
      'BATCH_SIZE',
    ]);
    expect(error.message).toContain('KAFKA_BROKERS is required');
    expect(error.message).toContain('LOG_LEVEL must be one of debug, info, warn, got "loud"');
    expect(error.message).toContain('MONGODB_URI must be a URL with scheme mongodb: or mongodb+srv:');
    expect(error.message).not.toContain('short');
  });

  it('treats a blank variable as unset', () => {
    const error = errorOf(() => loadConfig({ AUTH_JWT_SECRET: '   ' }, { secret: str('AUTH_JWT_SECRET') }));
    expect(error.problems[0]?.reason).toBe('AUTH_JWT_SECRET is required');
  });
});
