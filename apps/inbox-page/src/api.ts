/** One per-field problem of an RFC 9457 answer (Flowgate's `errors` member). */
export interface FieldError {
  readonly pointer: string;
  readonly code?: string;
  readonly detail: string;
}

export interface Problem {
  readonly status: number;
  readonly code?: string;
  readonly title?: string;
  readonly detail?: string;
  readonly signInUrl?: string;
  readonly errors?: readonly FieldError[];
}

export type ApiResult<T> =
  | { readonly ok: true; readonly status: number; readonly body: T; readonly etag: string | null }
  | { readonly ok: false; readonly status: number; readonly problem: Problem };

export interface SessionView {
  readonly user: { readonly id: string; readonly displayName?: string; readonly email?: string };
  readonly roles: readonly string[];
  readonly stepUp: { readonly satisfied: boolean; readonly at?: string };
  readonly session: { readonly expiresAt: string; readonly csrfToken: string };
}

export interface Workflow {
  readonly id: string;
  readonly definitionKey: string;
  readonly definitionVersion: number;
  readonly state: string;
  readonly terminal: boolean;
  readonly data: Readonly<Record<string, unknown>> | null;
  readonly initiatorId: string;
  readonly assigneeIds: readonly string[];
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface HistoryEntry {
  readonly seq: number;
  readonly kind: string;
  readonly transition: string | null;
  readonly fromState: string | null;
  readonly toState: string;
  readonly actorType: 'user' | 'system';
  readonly actorId: string | null;
  readonly comment: string | null;
  readonly occurredAt: string;
}

export interface AvailableTransition {
  readonly name: string;
  readonly title?: string;
  readonly to: string;
  readonly allowed: boolean;
  readonly reason?: string;
  readonly detail?: string;
  readonly votes?: number;
  readonly required?: number;
}

export interface DefinitionTransition {
  readonly name: string;
  readonly input?: unknown;
  readonly stepUp?: boolean;
}

export interface Definition {
  readonly key: string;
  readonly title?: string;
  readonly definition: {
    readonly states: readonly { readonly name: string; readonly title?: string }[];
    readonly transitions: readonly DefinitionTransition[];
  };
}

export interface Page<T> {
  readonly value: readonly T[];
  readonly nextLink?: string;
}

/**
 * The API as seen from the page: same-origin requests carrying the session cookie (the browser
 * adds it; the page never sees a token), and the session's CSRF token on every write.
 */
export class Api {
  private csrfToken: string | undefined;

  async session(): Promise<ApiResult<SessionView>> {
    const result = await this.get<SessionView>('/auth/session');
    if (result.ok) this.csrfToken = result.body.session.csrfToken;
    return result;
  }

  async get<T>(path: string): Promise<ApiResult<T>> {
    return this.call<T>('GET', path, undefined, {});
  }

  async text(path: string): Promise<ApiResult<string>> {
    const response = await fetch(path, { credentials: 'same-origin' });
    if (!response.ok) return { ok: false, status: response.status, problem: await problemOf(response) };
    return { ok: true, status: response.status, body: await response.text(), etag: response.headers.get('ETag') };
  }

  async write<T>(
    method: 'POST' | 'PUT' | 'DELETE',
    path: string,
    body: unknown,
    headers: Readonly<Record<string, string>> = {},
  ): Promise<ApiResult<T>> {
    return this.call<T>(method, path, body, { ...headers, 'X-CSRF-Token': this.csrfToken ?? '' });
  }

  private async call<T>(
    method: string,
    path: string,
    body: unknown,
    headers: Readonly<Record<string, string>>,
  ): Promise<ApiResult<T>> {
    const response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) return { ok: false, status: response.status, problem: await problemOf(response) };
    const text = await response.text();
    const parsed = (text === '' ? undefined : JSON.parse(text)) as T;
    return { ok: true, status: response.status, body: parsed, etag: response.headers.get('ETag') };
  }
}

async function problemOf(response: Response): Promise<Problem> {
  try {
    return { ...((await response.json()) as Omit<Problem, 'status'>), status: response.status };
  } catch {
    return { status: response.status, detail: response.statusText };
  }
}

/** A session that is gone (ended, revoked, never started): the page offers to sign in again. */
export function isSignedOut(problem: Problem): boolean {
  return problem.status === 401 && problem.code !== 'step_up_required';
}
