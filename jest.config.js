// Two projects: fast unit tests colocated with the code, and e2e tests that hit the real
// Postgres, Redis and an embedded S3-protocol server (see libs/testing).
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

// ESM-only packages that jest (CommonJS) must transpile before it can load them.
const esmPackages = ['hyparquet', 'eventsource-parser', '@huggingface/jinja', 'ml-levenberg-marquardt', 'ml-matrix', 'is-any-array'];

const common = {
  moduleFileExtensions: ['js', 'json', 'ts'],
  rootDir: __dirname,
  transform: {
    '^.+\\.(t|j)s$': ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true } }],
  },
  transformIgnorePatterns: [`node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  testEnvironment: 'node',
};

module.exports = {
  // data loading (MMLU parquet, HellaSwag bz2) and CPU inference take seconds on a busy 2-core machine;
  // e2e tests raise it further in libs/testing/src/e2e-setup.ts
  testTimeout: 120_000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/infra/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/e2e-setup.ts'],
      testMatch: ['<rootDir>/apps/**/*.e2e-spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/global-teardown.ts',
    },
  ],
};
