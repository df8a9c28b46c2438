// Lint rules that carry the architecture: no floating promises, type-only imports marked,
// no import cycles, and every service's domain/ kept free of I/O packages.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const ioPackages = ['kafkajs', 'mongodb', '@grpc/*', 'fastify', '@fastify/*', '@opentelemetry/*', 'node:*', 'pino', '@platformatic/*',
  'fs', 'net', 'http', 'http2', 'child_process', '@yiwang/platform', '@yiwang/proto', '@yiwang/proto/*',
  '@yiwang/kernel-mongodb', '@yiwang/kernel-kafka', '@yiwang/kernel-core/telemetry', '@yiwang/event-log', '@yiwang/testing'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'libs/proto/src/gen/**', '**/dist/**', '.yiwang/**', '.nx/**', '**/*.mjs', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: true }, 'import-x/internal-regex': '^@yiwang/' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': ['error', { maxDepth: 10, ignoreExternal: true }],
      'no-restricted-imports': ['error', { patterns: [{ group: ['@yiwang/*/src/*', '**/libs/*/src/*'], message: 'import a library by its name, not a deep path' }] }],
    },
  },
  {
    files: ['services/*/src/domain/**/*.ts', 'libs/kernel-core/src/**/*.ts', 'libs/working-time/src/**/*.ts'],
    ignores: ['**/observability/**', '**/telemetry.ts', '**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ioPackages, message: 'domain code is pure: no I/O packages (do I/O in application/ or adapters/)' }] }],
    },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
