import type { Api, Problem, SessionView } from './api.js';

/** What every view needs: the API, where to draw, where to announce, and who is signed in. */
export interface PageContext {
  readonly api: Api;
  readonly view: HTMLElement;
  readonly status: HTMLElement;
  readonly session: SessionView;
  /** The session is gone (revoked, expired): draw the sign-in view instead. */
  signedOut(problem: Problem): void;
}

/** Sign-in address that brings the person back to where they are now. */
export function signInHref(base = '/auth/login'): string {
  const separator = base.includes('?') ? '&' : '?';
  return `${base}${separator}returnTo=${encodeURIComponent(`${location.pathname}${location.search}`)}`;
}

export function problemText(problem: Problem): string {
  const what = problem.detail ?? problem.title ?? `HTTP ${problem.status}`;
  return problem.code ? `${what} (${problem.code})` : what;
}
