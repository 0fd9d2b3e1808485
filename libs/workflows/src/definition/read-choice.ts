import { describeType, quote, type Report } from './document-reader';
import type { ViolationCode } from './definition-violation';

/** One of a closed list of words (`actor`, `visibility`); anything else is reported. */
export function readChoice<T extends string>(
  value: unknown,
  pointer: string,
  choices: readonly T[],
  code: ViolationCode,
  noun: string,
  report: Report,
): T | undefined {
  if (typeof value !== 'string') {
    report(pointer, 'invalid_type', `must be ${noun} (${choices.join(' or ')}), not ${describeType(value)}`);
    return undefined;
  }
  if (!(choices as readonly string[]).includes(value)) {
    report(pointer, code, `${quote(value)} is not ${noun}; use ${choices.join(' or ')}`);
    return undefined;
  }
  return value as T;
}
