// Runs a TypeScript entry of the test support in a plain Node child process (tests that SIGKILL a
// worker need a process of its own): each file is transpiled on load with the repository's compiler
// options (decorator metadata included), and the @flowgate/* aliases resolve as in tsconfig.json.
// Usage: node test/support/ts-child.js test/support/webhook-jobs-process.ts
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const ts = require('typescript');
const { register } = require('tsconfig-paths');

const root = join(__dirname, '../..');
const { config } = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
register({ baseUrl: root, paths: config.compilerOptions.paths });
const compilerOptions = {
  ...ts.convertCompilerOptionsFromJson(config.compilerOptions, root).options,
  sourceMap: false,
  inlineSourceMap: true,
};

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};

require(resolve(process.argv[2]));
