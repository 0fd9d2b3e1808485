/**
 * One jest configuration for the three tiers, told apart by file name:
 *   *.spec.ts      unit specs beside the code (pure, no I/O)
 *   *.int-spec.ts  integration specs on the real PostgreSQL and Redis
 *   *.e2e-spec.ts  end-to-end specs in test/, driving the HTTP API
 * Run through `npm test`, which provides the database and Redis (see scripts/test-run.mjs).
 */
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testRegex: '.*\\.(spec|int-spec|e2e-spec)\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      {
        tsconfig: '<rootDir>/tsconfig.json',
        // Type errors are `npm run typecheck`'s job (no file is checked here); the compiler runs
        // with full type information only because the @nestjs/swagger plugin (the same as in
        // nest-cli.json) needs it, so the app under test serves the same OpenAPI document as the
        // built one. 151002 is ts-jest's notice that node16 module resolution wants isolated
        // modules, which would lose exactly that type information.
        diagnostics: { exclude: ['**'], ignoreCodes: [151002] },
        astTransformers: { before: ['<rootDir>/test/setup/swagger-plugin-transformer.js'] },
      },
    ],
  },
  moduleNameMapper: {
    '^@flowgate/api$': '<rootDir>/apps/api/src',
    '^@flowgate/(core|roles|auth|users|audit|traffic|workflows|webhooks|testing)$': '<rootDir>/libs/$1/src',
    // `@flowgate/sdk` is not mapped: it resolves as a client team's code would, through the
    // workspace package's `exports` to its build (libs/sdk/dist), which the global setup makes.
  },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  testTimeout: 30000,
  maxWorkers: 2,
};
