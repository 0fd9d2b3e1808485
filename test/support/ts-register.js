// Runs the TypeScript sources in a plain Node child process (a worker the tests can SIGKILL),
// without a build: the @flowgate/* aliases of tsconfig.json, and each .ts file transpiled on load
// (no type check, which is `npm run typecheck`'s job). Test support only: production runs dist/.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const ts = require('typescript');
const { register } = require('tsconfig-paths');

const root = join(__dirname, '..', '..');
const { compilerOptions } = ts.parseConfigFileTextToJson(
  'tsconfig.json',
  readFileSync(join(root, 'tsconfig.json'), 'utf8'),
).config;
register({ baseUrl: root, paths: compilerOptions.paths });

const options = {
  ...ts.convertCompilerOptionsFromJson(compilerOptions, root).options,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  sourceMap: false,
  inlineSourceMap: true,
};
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
    compilerOptions: options,
    fileName: filename,
  });
  module._compile(outputText, filename);
};
