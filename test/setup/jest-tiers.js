/**
 * The three test tiers as jest projects, told apart by file name (docs/testing.md):
 *   unit         *.spec.ts beside the code (and deploy/, scripts/): pure, no database, no Redis, no network; compiled by
 *                SWC (no type information needed), so the tier runs in seconds
 *   integration  *.int-spec.ts beside the code: repositories and adapters on the run's real
 *                PostgreSQL and Redis
 *   e2e          test/**\/*.e2e-spec.ts: the whole app over HTTP, through the SDK where it covers
 *                the call
 * Integration and e2e are compiled by ts-jest with type information, because the @nestjs/swagger
 * plugin (the same as in nest-cli.json) needs it: the app under test serves the same OpenAPI
 * document as the built one.
 */
const rootDir = require('node:path').join(__dirname, '..', '..');

const shared = {
  rootDir,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@flowgate/api$': '<rootDir>/apps/api/src',
    '^@flowgate/worker$': '<rootDir>/apps/worker/src',
    '^@flowgate/(core|roles|auth|users|audit|traffic|workflows|webhooks|testing)$': '<rootDir>/libs/$1/src',
    // `@flowgate/sdk` is not mapped: it resolves as a client team's code would, through the
    // workspace package's `exports` to its build (libs/sdk/dist), which the global setup makes.
  },
};

/** SWC: strips types, keeps Nest's decorators and their design-time metadata. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

const tsJestWithSwaggerPlugin = [
  'ts-jest',
  {
    tsconfig: '<rootDir>/tsconfig.json',
    // Type errors are `npm run typecheck`'s job (no file is checked here). 151002 is ts-jest's
    // notice that node16 module resolution wants isolated modules, which would lose exactly the
    // type information the swagger plugin reads.
    diagnostics: { exclude: ['**'], ignoreCodes: [151002] },
    astTransformers: { before: ['<rootDir>/test/setup/swagger-plugin-transformer.js'] },
  },
];

/**
 * With coverage on across tiers (`npx jest --coverage`), the unit tier is compiled as the other two
 * are. Jest's V8 coverage merges the counters of one file from every test file by path, then maps
 * them through one compilation's source map: a file compiled by SWC for a unit spec and by ts-jest
 * for an e2e spec would have one's counters read against the other's code (ADR 27). `npm test`
 * measures the unit tier alone (`--selectProjects unit --coverage`), which keeps SWC.
 */
const collectsCoverage = process.argv.some((arg) => /^--(coverage|collectCoverage)(=true)?$/.test(arg));
const selected = process.argv.slice(process.argv.indexOf('--selectProjects') + 1);
const unitAlone =
  process.argv.includes('--selectProjects') && selected[0] === 'unit' && !/^[a-z]/.test(selected[1] ?? '-');

/** @type {import('jest').Config} */
const unit = {
  ...shared,
  displayName: 'unit',
  // deploy/: the deployment templates' specs (rendered, linted and checked by local tools only);
  // scripts/: the repository scripts' own specs, which run them as child processes.
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/deploy', '<rootDir>/scripts'],
  testRegex: '.*\\.spec\\.ts$',
  setupFilesAfterEnv: ['<rootDir>/test/setup/unit-isolation.js'],
  transform: { '^.+\\.ts$': collectsCoverage && !unitAlone ? tsJestWithSwaggerPlugin : swc },
};

/** @type {import('jest').Config} */
const integration = {
  ...shared,
  displayName: 'integration',
  roots: ['<rootDir>/apps', '<rootDir>/libs'],
  testRegex: '.*\\.int-spec\\.ts$',
  transform: { '^.+\\.ts$': tsJestWithSwaggerPlugin },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
};

/** @type {import('jest').Config} */
const e2e = {
  ...shared,
  displayName: 'e2e',
  roots: ['<rootDir>/test'],
  testRegex: '.*\\.e2e-spec\\.ts$',
  transform: { '^.+\\.ts$': tsJestWithSwaggerPlugin },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
};

module.exports = { unit, integration, e2e, collectsCoverage };
