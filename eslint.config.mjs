// Lint rules that carry the architecture: no floating promises, type-only imports marked, no
// import cycles, packages entered only by name (their public module), libraries never depending
// on services or apps, test helpers only in tests, and every service's domain/ kept free of I/O
// packages. test/lint/module-boundaries.unit.spec.ts proves the boundary rules fire.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const SERVICES = ['intake', 'dispatch', 'integration', 'opscenter-simulator', 'enforcement', 'parking', 'heating', 'sanitation'];
const deepImports = {
  group: ['@yiwang/*/src', '@yiwang/*/src/**', '**/libs/*/src/**', '**/services/*/src/**', '**/apps/*/src/**'],
  message: "import a package by its name (its public module, src/index.ts), never another package's src/",
};
const servicesAndApps = {
  group: [...SERVICES.map((s) => `@yiwang/${s}`), '@yiwang/cli', '@yiwang/*/testing'],
  message: 'libraries are below services and apps: a library never imports a service or an app',
};
const testHelpers = {
  group: ['@yiwang/testing', '@yiwang/*/testing'],
  message: 'test helpers are for tests only (*.spec.ts, *.test-helpers.ts, test/, bench/)',
};
const restrict = (...patterns) => ['error', { patterns }];

const ioPackages = [
  'kafkajs',
  'mongodb',
  '@grpc/*',
  'fastify',
  '@fastify/*',
  '@opentelemetry/*',
  'node:*',
  'pino',
  '@platformatic/*',
  'fs',
  'net',
  'http',
  'http2',
  'child_process',
  '@yiwang/platform',
  '@yiwang/proto',
  '@yiwang/proto/*',
  '@yiwang/kernel-mongodb',
  '@yiwang/kernel-kafka',
  '@yiwang/kernel-core/telemetry',
  '@yiwang/event-log',
  '@yiwang/testing',
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'libs/proto/src/gen/**', '**/dist/**', '.yiwang/**', '.nx/**', '**/*.mjs', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.mjs', '.js', '.json'] } }, 'import-x/internal-regex': '^@yiwang/' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': ['error', { maxDepth: 10, ignoreExternal: true }],
      'import-x/no-relative-packages': 'error',
      'no-restricted-imports': restrict(deepImports),
    },
  },
  {
    files: ['libs/**/*.ts'],
    rules: { 'no-restricted-imports': restrict(deepImports, servicesAndApps) },
  },
  {
    files: ['services/*/src/**/*.ts', 'apps/*/src/**/*.ts', 'libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.test-helpers.ts', '**/testing.ts', 'libs/testing/**'],
    rules: { 'no-restricted-imports': restrict(deepImports, testHelpers) },
  },
  {
    files: ['libs/*/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/*.test-helpers.ts', 'libs/testing/**'],
    rules: { 'no-restricted-imports': restrict(deepImports, servicesAndApps, testHelpers) },
  },
  {
    files: ['services/*/src/domain/**/*.ts', 'libs/kernel-core/src/**/*.ts', 'libs/working-time/src/**/*.ts'],
    ignores: ['**/observability/**', '**/telemetry.ts', '**/*.spec.ts'],
    rules: {
      'no-restricted-imports': restrict(deepImports, servicesAndApps, {
        group: ioPackages,
        message: 'domain code is pure: only @yiwang/kernel-core and @yiwang/working-time (do I/O in application/ or adapters/)',
      }),
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
