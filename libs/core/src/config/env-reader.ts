/**
 * Reads typed settings out of an environment record and remembers every problem it meets, so that
 * start-up can report all bad variables at once instead of one per restart.
 */
export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}

  get problemsFound(): readonly string[] {
    return this.problems;
  }

  /** A raw value, with surrounding white space removed; empty counts as unset. */
  raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === '' ? undefined : value;
  }

  string(name: string, fallback: string): string;
  string(name: string): string | undefined;
  string(name: string, fallback?: string): string | undefined {
    return this.raw(name) ?? fallback;
  }

  integer(name: string, fallback: number, bounds: { min: number; max: number }): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value) || parsed < bounds.min || parsed > bounds.max) {
      return this.fail(name, `must be a whole number from ${bounds.min} to ${bounds.max}`, value, fallback);
    }
    return parsed;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes', 'on'].includes(value)) return true;
    if (['false', '0', 'no', 'off'].includes(value)) return false;
    return this.fail(name, 'must be true or false', value, fallback);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      return this.fail(name, `must be one of ${allowed.join(', ')}`, value, fallback);
    }
    return value as T;
  }

  /** A URL whose scheme is one of `protocols` (given without the trailing colon). */
  url(name: string, protocols: readonly string[]): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      return this.fail(name, `must be a URL (${protocols.join(' or ')})`, redactUrl(value), undefined);
    }
    if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
      return this.fail(name, `must use the ${protocols.join(' or ')} scheme`, redactUrl(value), undefined);
    }
    return value;
  }

  /** A comma-separated list; blank entries are dropped. */
  list(name: string, fallback: readonly string[] = []): string[] {
    const value = this.raw(name);
    if (value === undefined) return [...fallback];
    return value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  /** Records a problem that a namespace found by looking at several settings together. */
  report(name: string, problem: string): void {
    this.problems.push(`${name} ${problem}`);
  }

  private fail<T>(name: string, problem: string, value: string, fallback: T): T {
    this.problems.push(`${name} ${problem} (got "${value}")`);
    return fallback;
  }
}

/** Connection strings carry passwords; a configuration error must never print one. */
export function redactUrl(value: string): string {
  return value.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}
