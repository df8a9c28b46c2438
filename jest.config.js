// One jest run for the whole repo, split into tiers by file name so that
// `--selectProjects unit` needs no servers, while int/e2e share one broker
// and one database server started once by the global set-up.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: false }, target: 'es2022' }, module: { type: 'commonjs' } }];
const moduleNameMapper = {
  '^@yiwang/proto/(.*)$': '<rootDir>/libs/proto/src/gen/$1',
  '^@yiwang/kernel-core/telemetry$': '<rootDir>/libs/kernel-core/src/telemetry.ts',
  '^@yiwang/cli$': '<rootDir>/apps/cli/src/index.ts',
  '^@yiwang/(intake|dispatch)/testing$': '<rootDir>/services/$1/src/testing.ts',
  // Services are entered by their public module (side-effect free), never by main.ts.
  '^@yiwang/(intake|dispatch|integration|opscenter-simulator|enforcement|parking|heating|sanitation)$':
    '<rootDir>/services/$1/src/index.ts',
  '^@yiwang/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
};
const common = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper,
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/apps', '<rootDir>/services', '<rootDir>/test'],
};
module.exports = {
  // Per-project timeouts are not honoured by jest; int/e2e tests talk to real servers on 2 cores.
  testTimeout: 60000,
  globalSetup: '<rootDir>/libs/testing/jest/global-setup.mjs',
  globalTeardown: '<rootDir>/libs/testing/jest/global-teardown.mjs',
  projects: [
    { ...common, displayName: 'unit', testMatch: ['**/*.unit.spec.ts'] },
    { ...common, displayName: 'int', testMatch: ['**/*.int.spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['**/*.e2e.spec.ts'] },
  ],
};
