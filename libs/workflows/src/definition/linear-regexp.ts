import type { CodeOptions } from 'ajv/dist/2020';
import { RE2JS } from 're2js';

/**
 * The regular-expression engine of every JSON Schema a definition carries (`pattern`,
 * `patternProperties`): RE2's automaton, which matches in time linear in the input whatever the
 * pattern, instead of ECMAScript's backtracking, where `^(a+)+$` against 30 `a`s and a `!` held
 * the event loop for seconds (ADR 12). `re2js` is a pure-JavaScript port: no native build.
 *
 * Patterns are written in the ECMAScript syntax JSON Schema prescribes and translated
 * (`\u00e9`, `\u{1F600}`, `(?<name>…)`, `\/`, `\cA`); what RE2 cannot run in linear time —
 * backreferences, lookahead, lookbehind — does not compile, and a definition using it is refused
 * at publish (`unsupportedPatternOf`). ajv passes the `u` flag; RE2 always matches code points.
 */
export const linearRegExp: NonNullable<CodeOptions['regExp']> = Object.assign(
  (pattern: string): { test(input: string): boolean } => {
    const compiled = compileLinear(pattern);
    return { test: (input: string) => compiled.test(input) };
  },
  // Only ajv's standalone code generation reads this; schemas here are compiled in process.
  { code: 'require("@flowgate/workflows/definition/linear-regexp").linearRegExp' },
);

function compileLinear(pattern: string): RE2JS {
  return RE2JS.compile(RE2JS.translateRegExp(pattern));
}

/** Why the linear engine cannot run a pattern (e.g. "invalid or unsupported Perl syntax: `(?=`"),
 * or undefined when it can. */
export function unsupportedPatternOf(pattern: string): string | undefined {
  try {
    compileLinear(pattern);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.replace(/^error parsing regexp: /, '');
  }
}
