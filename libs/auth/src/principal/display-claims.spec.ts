import { hasControlCharacters } from '../verification/control-characters';
import { cleanDisplayText, displayClaims, MAX_DISPLAY_LENGTH } from './display-claims';

describe('cleanDisplayText', () => {
  it.each<[string, unknown, string | undefined]>([
    ['plain text is kept', 'Jane Doe', 'Jane Doe'],
    ['non-ASCII letters and emoji are kept', 'Zoë 😀 Müller', 'Zoë 😀 Müller'],
    ['NUL is removed', 'Bob\u0000by', 'Bobby'],
    ['NUL alone leaves nothing', '\u0000', undefined],
    ['C0 controls are removed (tab, newline, bell, escape)', 'a\tb\nc\u0007d\u001be', 'abcde'],
    ['DEL is removed', 'ab\u007fc', 'abc'],
    ['C1 controls are removed (NEL, U+009F)', 'a\u0085b\u009fc', 'abc'],
    ['U+00A0 is not a control: kept inside', 'a\u00a0b', 'a\u00a0b'],
    ['a lone high surrogate becomes U+FFFD', 'ab\ud83dc', 'ab\ufffdc'],
    ['a lone low surrogate becomes U+FFFD', '\ude00ab', '\ufffdab'],
    ['surrounding whitespace is trimmed', '  Jane \n', 'Jane'],
    ['whitespace revealed by removing controls is trimmed', '\u0000 Jane \u0000', 'Jane'],
    ['whitespace only leaves nothing', ' \u3000\t ', undefined],
    ['empty leaves nothing', '', undefined],
    ['a number is not display text', 42, undefined],
    ['an array is not display text', ['Jane'], undefined],
    ['null is not display text', null, undefined],
    ['absent', undefined, undefined],
  ])('%s', (_case, value, expected) => {
    expect(cleanDisplayText(value)).toBe(expected);
  });

  it.each<[string, string, string]>([
    ['ASCII', 'x'.repeat(1000), 'x'.repeat(MAX_DISPLAY_LENGTH)],
    ['emoji: counted in code points, no pair split', '😀'.repeat(300), '😀'.repeat(MAX_DISPLAY_LENGTH)],
    ['a cut that ends in a space loses the space', `${'x'.repeat(MAX_DISPLAY_LENGTH - 1)} tail`, 'x'.repeat(255)],
    [
      'controls do not count towards the bound',
      `${'\u0000'.repeat(500)}${'x'.repeat(MAX_DISPLAY_LENGTH)}`,
      'x'.repeat(256),
    ],
  ])('bounds to MAX_DISPLAY_LENGTH code points: %s', (_case, value, expected) => {
    const cleaned = cleanDisplayText(value)!;
    expect(cleaned).toBe(expected);
    expect([...cleaned].length).toBeLessThanOrEqual(MAX_DISPLAY_LENGTH);
    expect(cleaned.isWellFormed()).toBe(true);
  });

  it('never returns a control character, a lone surrogate or surrounding whitespace, for any single code unit', () => {
    // Every code unit, judged in plain code and asserted once: 65,536 rounds of four `expect`s
    // took seconds, and the list names each code unit that fails.
    const failing: string[] = [];
    for (let code = 0; code <= 0xffff; code += 1) {
      const cleaned = cleanDisplayText(`a${String.fromCharCode(code)}`);
      const clean =
        cleaned !== undefined && !hasControlCharacters(cleaned) && cleaned.isWellFormed() && cleaned.trim() === cleaned;
      if (!clean) failing.push(`U+${code.toString(16).toUpperCase().padStart(4, '0')}`);
    }
    expect(failing).toEqual([]);
  });
});

describe('displayClaims', () => {
  it.each<[string, Record<string, unknown>, { displayName?: string; email?: string }]>([
    [
      'name and email',
      { name: 'Jane', email: 'jane@contoso.test' },
      { displayName: 'Jane', email: 'jane@contoso.test' },
    ],
    [
      'email first, then preferred_username, then upn',
      { email: 'e@x.test', preferred_username: 'p@x.test', upn: 'u@x.test' },
      { email: 'e@x.test' },
    ],
    ['preferred_username when no email', { preferred_username: 'p@x.test', upn: 'u@x.test' }, { email: 'p@x.test' }],
    ['upn when neither (v1 tokens)', { upn: 'u@x.test' }, { email: 'u@x.test' }],
    [
      'an email that cleans to nothing falls back to the next claim',
      { email: '\u0000 ', preferred_username: 'p@x.test' },
      { email: 'p@x.test' },
    ],
    ['a non-string email falls back too', { email: ['e@x.test'], upn: 'u@x.test' }, { email: 'u@x.test' }],
    [
      'NUL and controls in both are removed',
      { name: 'Ja\u0000ne\u0085', email: '\u0000jane@contoso.test\r\n' },
      { displayName: 'Jane', email: 'jane@contoso.test' },
    ],
    ['nothing', {}, {}],
  ])('%s', (_case, claims, expected) => {
    expect(displayClaims(claims)).toEqual({ displayName: expected.displayName, email: expected.email });
  });
});
