// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// A package's build output is not its API: it moves between patch releases. Ajv documents
// `ajv/dist/2020` as the entry for draft 2020-12, so that one is public.
const NO_BUILD_OUTPUT_IMPORTS = [
  {
    group: ['*/dist/*', '@*/*/dist/*', '!ajv/dist/2020'],
    message: "Import from the package's entry (its exports); define what it does not export locally.",
  },
];

const ONE_DATABASE_PATH =
  'Reach PostgreSQL through TransactionRunner (query, run) or the EntityManager of the unit of work you are given: ' +
  'a DataSource (or an injected manager or repository) escapes the unit of work and can take a second pool connection. ' +
  'DataSource is for libs/core/src/database and tests only (docs/architecture.md, "Data").';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      '.data/**',
      '.tmp/**',
      'libs/sdk/src/generated/**',
      'libs/sdk/dist/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.jest },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Nest decorates classes whose constructors only inject; the checks below keep real bugs visible.
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read settings through FlowgateConfig; process.env is read only in libs/core/src/config.',
        },
        {
          // Nest injects the data source's own EntityManager by type: outside every unit of work.
          selector: [
            "MethodDefinition[kind='constructor'] > FunctionExpression > Identifier",
            "MethodDefinition[kind='constructor'] > FunctionExpression > TSParameterProperty > Identifier",
          ]
            .map((parameter) => `${parameter}[typeAnnotation.typeAnnotation.typeName.name='EntityManager']`)
            .join(', '),
          message: ONE_DATABASE_PATH,
        },
      ],
      // One database path (docs/architecture.md, "Data"): PostgreSQL only through TransactionRunner.
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'typeorm', importNames: ['DataSource'], message: ONE_DATABASE_PATH },
            {
              name: '@nestjs/typeorm',
              importNames: [
                'InjectDataSource',
                'InjectEntityManager',
                'InjectRepository',
                'getDataSourceToken',
                'getEntityManagerToken',
                'getRepositoryToken',
              ],
              message: ONE_DATABASE_PATH,
            },
          ],
          patterns: NO_BUILD_OUTPUT_IMPORTS,
        },
      ],
    },
  },
  {
    // The data source's owner, and what only tests run: specs (assertions on rows, scratch tables,
    // outages), scratch databases for integration specs, benchmark seeding.
    files: [
      'libs/core/src/database/**/*.ts',
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      'test/**/*.ts',
      'libs/testing/src/database/**/*.ts',
      'bench/**/*.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { patterns: NO_BUILD_OUTPUT_IMPORTS }] },
  },
  {
    files: ['libs/core/src/config/**/*.ts', 'scripts/**', 'bench/**', '*.js', '*.mjs'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // CommonJS by necessity: jest, ts-jest and dependency-cruiser load these with require().
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests poke at untyped HTTP bodies; the assertions are the type check.
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
