import { join } from 'node:path';
import { register } from 'tsconfig-paths';
import { compilerOptions } from '../../tsconfig.json';

// Jest's moduleNameMapper applies to test files only; jest's global set-up runs in plain Node,
// where the @flowgate/* aliases of tsconfig.json must be registered by hand.
register({ baseUrl: join(__dirname, '../..'), paths: compilerOptions.paths });
