import { withoutControlCharacters } from '../verification/control-characters';

/** Longer names or addresses are cut: they are shown in lists and written to every audit event. */
export const MAX_DISPLAY_LENGTH = 256;

/** Name and address as shown to people; never used to decide anything. */
export interface DisplayClaims {
  readonly displayName: string | undefined;
  readonly email: string | undefined;
}

/**
 * The display data of a verified token, cleaned so that it can always be stored and shown: a
 * signed token is still attacker-chosen text (any trusted issuer lets users pick their name), and
 * a NUL in it would make PostgreSQL reject the user's row on every request.
 */
export function displayClaims(claims: Readonly<Record<string, unknown>>): DisplayClaims {
  return {
    displayName: cleanDisplayText(claims.name),
    email:
      cleanDisplayText(claims.email) ?? cleanDisplayText(claims.preferred_username) ?? cleanDisplayText(claims.upn),
  };
}

/**
 * Control characters removed, lone surrogates replaced (U+FFFD), trimmed, at most
 * MAX_DISPLAY_LENGTH code points (a surrogate pair is never split); nothing left, or not a
 * string: undefined.
 */
export function cleanDisplayText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const cleaned = withoutControlCharacters(value.toWellFormed()).trim();
  const bounded = [...cleaned].slice(0, MAX_DISPLAY_LENGTH).join('').trimEnd();
  return bounded === '' ? undefined : bounded;
}
