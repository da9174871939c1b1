import type { Config } from 'jest';

// Two projects: fast unit tests of pure logic, and e2e tests that drive a real
// Docker engine, registry and Nx. `npm test` runs both, serially: two e2e suites side by side
// on two cores measured 1.05x faster at best (docs/benchmarks.md), not worth sharing the engine.
const transform: Config['transform'] = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  // unbash ships ES modules only; Node runs them through require(esm), Jest's module system needs them compiled.
  '/node_modules/unbash/.+\\.js$': ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
};
const transformIgnorePatterns = ['/node_modules/(?!unbash/)'];

const config: Config = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/packages/*/src/**/*.spec.ts'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/e2e/**/*.e2e.ts'],
      setupFilesAfterEnv: ['<rootDir>/e2e/setup.ts'],
    },
  ],
};

export default config;
