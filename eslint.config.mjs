// ESLint (flat config): TypeScript rules over the plugin, e2e tests and tools; Nx's own
// plugin checks over the manifests Nx reads (package.json, executors.json, generators.json,
// migrations.json: every implementation, factory and schema path must exist); formatting is
// Prettier's (npm run format:check), so eslint-config-prettier turns style rules off.
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import * as jsoncParser from 'jsonc-eslint-parser';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'tmp/**',
      '.nx/**',
      'apps/**',
      'e2e/fixtures/**',
      'packages/docker/test-fixtures/**',
      'packages/docker/src/generators/*/files/**',
    ],
  },
  {
    files: ['**/*.ts', '**/*.mjs', '**/*.js'],
    extends: [...tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // CommonJS entry modules: Nx loads executors and generators through them.
    files: ['packages/docker/entry/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['packages/docker/package.json', 'packages/docker/executors.json', 'packages/docker/generators.json', 'packages/docker/migrations.json'],
    languageOptions: { parser: jsoncParser },
    plugins: { '@nx': nx },
    rules: { '@nx/nx-plugin-checks': 'error' },
  },
  prettier,
);
