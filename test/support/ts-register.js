// Runs the TypeScript sources in a plain Node child process (a worker the tests can SIGKILL),
// without a build: the @flowgate/* aliases of tsconfig.json, and each .ts file transpiled on load
// (no type check, which is `npm run typecheck`'s job). Test support only: production runs dist/.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const ts = require('typescript');
const { transformSync } = require('@swc/core');
const { register } = require('tsconfig-paths');

const root = join(__dirname, '..', '..');
const { compilerOptions } = ts.parseConfigFileTextToJson(
  'tsconfig.json',
  readFileSync(join(root, 'tsconfig.json'), 'utf8'),
).config;
register({ baseUrl: root, paths: compilerOptions.paths });

// SWC, as the unit tier uses: strips types and keeps Nest's decorators with their design-time
// metadata, many times faster than TypeScript's own transpiler, which made a worker's start take
// tens of seconds on a loaded machine.
const options = {
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
  swcrc: false,
  configFile: false,
};
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};
