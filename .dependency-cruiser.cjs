/**
 * The module boundaries of DESIGN §1 ("Rules of the house"), checked by dependency-cruiser:
 * `npm run lint:boundaries` (part of `npm run lint`, so CI fails on any violation).
 * docs/architecture.md lists each rule with the reason for it.
 *
 * Vocabulary used below:
 * - a library is `libs/<name>/src`; its public index is `libs/<name>/src/index.ts`, imported as
 *   `@flowgate/<name>` (the only aliases tsconfig.json and test/setup/jest-tiers.js define);
 * - test code is every spec (`*.spec.ts`, `*.int-spec.ts`, `*.e2e-spec.ts`), `test/`, `bench/`,
 *   `libs/testing` and a library's own `src/testing/` folder; everything else is production code.
 */

const TEST_CODE = [
  '\\.(spec|int-spec|e2e-spec)\\.ts$',
  '^test/',
  '^bench/',
  '^libs/testing/',
  '^libs/[^/]+/src/testing/',
];
const TEST_ONLY = ['^libs/testing/', '^libs/[^/]+/src/testing/', '^test/', '^bench/'];
/** The pure cores (DESIGN §1): plain data in, verdicts out; tested as plain functions. */
const PURE_CORES = [
  '^libs/roles/src/',
  '^libs/auth/src/roles/',
  '^libs/workflows/src/(definition|engine|authority)/',
  '^libs/webhooks/src/(events|policy)/',
  '^libs/core/src/errors/(app-error|error-catalog|field-error|problem-details)\\.ts$',
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'library-public-index-only',
      comment:
        'A library uses another only through its public index (@flowgate/<lib>), never a deep path or a ' +
        'relative path into its files: what a library does not export is free to change.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/[^/]+/src/', pathNot: ['^libs/$1/', '^libs/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'library-by-alias',
      comment:
        'Another library is named by its alias (@flowgate/<lib>), not by a relative path to its index: the ' +
        'alias is what the build maps and what a reader searches for.',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: {
        path: '^libs/[^/]+/src/index\\.ts$',
        pathNot: '^libs/$1/',
        dependencyTypesNot: ['aliased-tsconfig-paths', 'aliased-tsconfig'],
      },
    },
    {
      name: 'apps-and-tests-use-public-indexes',
      comment:
        'Apps and the e2e suite see libraries as their users do, through the public indexes. ' +
        "(test/setup/global-setup.ts runs outside jest's module mapping, so it reaches an index by path.)",
      severity: 'error',
      from: { path: '^(apps|test)/' },
      to: { path: '^libs/[^/]+/src/', pathNot: '^libs/[^/]+/src/index\\.ts$' },
    },
    {
      name: 'bench-reads-internals',
      comment:
        'Benchmarks may measure a library internal (the instance-list SQL), by relative path, and nothing ' +
        'else from the inside: this names the files allowed.',
      severity: 'error',
      from: { path: '^bench/' },
      to: {
        path: '^libs/[^/]+/src/',
        pathNot: [
          '^libs/[^/]+/src/index\\.ts$',
          '^libs/workflows/src/instances/list-scope\\.ts$',
          '^libs/workflows/src/instances/instance-list-query\\.ts$',
        ],
      },
    },
    {
      name: 'libraries-never-import-apps',
      comment: 'Apps compose libraries; a library (libs/testing included) never imports an app.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'worker-never-imports-api',
      comment:
        'The worker is an app of its own, composed from the libraries: it never reaches into the API (its ' +
        'configuration sections and job list are its own), so it builds and deploys without it.',
      severity: 'error',
      from: { path: '^apps/worker/' },
      to: { path: '^apps/api/' },
    },
    {
      name: 'api-runs-worker-jobs-from-main-only',
      comment:
        "Only the API's entry point (main.ts, the development mode where `npm start` is a whole system) runs " +
        "the worker's jobs, through the worker's public index (@flowgate/worker); the API's modules never do.",
      severity: 'error',
      from: { path: '^apps/api/' },
      to: {
        path: '^apps/worker/',
        pathNot: '^apps/worker/src/index\\.ts$',
      },
    },
    {
      name: 'api-modules-never-import-worker',
      comment: "The API's modules run no jobs in production: only main.ts may start the worker's, in development.",
      severity: 'error',
      from: { path: '^apps/api/', pathNot: '^apps/api/src/main\\.ts$' },
      to: { path: '^apps/worker/' },
    },
    {
      name: 'core-knows-no-feature',
      comment:
        'libs/core is cross-cutting and knows no business words (DESIGN §1): it imports no other library, ' +
        'no feature and not the role hierarchy either.',
      severity: 'error',
      from: { path: '^libs/core/' },
      to: { path: '^libs/', pathNot: '^libs/core/' },
    },
    {
      name: 'roles-stand-alone',
      comment: 'The role hierarchy is the bottom of the graph: it imports no other library.',
      severity: 'error',
      from: { path: '^libs/roles/' },
      to: { path: '^(libs|apps)/', pathNot: '^libs/roles/' },
    },
    {
      name: 'production-never-imports-test-code',
      comment:
        'Production code (apps/*, libs/* outside specs, libs/testing and src/testing folders) never imports ' +
        'test code: the build would ship it, and a test helper would become an API.',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: TEST_CODE },
      to: { path: TEST_ONLY },
    },
    {
      name: 'no-library-cycles',
      comment:
        "No cycle between libraries: a library's public index never comes back to itself through another " +
        "library (or an app). Cycles inside one library are not this rule's business.",
      severity: 'error',
      from: { path: '^libs/([^/]+)/src/index\\.ts$' },
      to: { circular: true, via: { path: '^(libs|apps)/', pathNot: '^libs/$1/' } },
    },
    {
      name: 'pure-cores-without-frameworks',
      comment:
        'The pure cores (role hierarchy, role claim mapping, workflow definition, engine and authority rules, ' +
        'problem mapping) take plain data and return verdicts: they import no Nest, TypeORM, Fastify, Redis or ' +
        'PostgreSQL client.',
      severity: 'error',
      from: { path: PURE_CORES, pathNot: TEST_CODE },
      to: { path: '(^|/)node_modules/(@nestjs/|typeorm/|@fastify/|fastify/|ioredis/|pg/)' },
    },
    {
      name: 'pure-cores-reach-no-framework',
      comment:
        'Nor through another module or library (a pure core importing @flowgate/core would load Nest): ' +
        'reported once per framework entry point reached.',
      severity: 'error',
      from: { path: PURE_CORES, pathNot: TEST_CODE },
      to: {
        path: '(^|/)node_modules/(@nestjs/(common|core)/index\\.js|typeorm/index\\.(js|d\\.ts))$',
        reachable: true,
      },
    },
    {
      name: 'no-unresolvable-imports',
      comment:
        'An import that resolves to nothing is a typo or a removed alias (e.g. the old @flowgate/<lib>/* paths).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    exclude: { path: ['^libs/sdk/src/generated/', '(^|/)dist/'] },
    doNotFollow: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      dot: {
        collapsePattern: '^(apps/[^/]+|libs/[^/]+|test|bench)/|node_modules/(@[^/]+/[^/]+|[^/]+)',
      },
    },
  },
};
