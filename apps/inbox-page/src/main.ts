import { Api, type Problem, type SessionView } from './api.js';
import { announce, byId, el } from './dom.js';
import { showInbox } from './inbox-view.js';
import { signInHref, type PageContext } from './page-context.js';
import { showWorkflow } from './workflow-view.js';

const SIGNED_OUT_REASONS: Readonly<Record<string, string>> = {
  session_revoked: 'Your sessions were ended by an administrator. Sign in again to continue.',
  session_expired: 'Your session has ended. Sign in again to continue.',
  session_unavailable: 'Sessions are unavailable for a moment. Try again shortly.',
};

/** The page's entry: who is signed in decides between the sign-in view and the inbox. */
async function start(): Promise<void> {
  const api = new Api();
  const view = byId('view');
  const status = byId('status');
  const who = byId('who');
  const signedOut = (problem?: Problem) => {
    who.replaceChildren();
    view.replaceChildren(
      el('h1', {}, 'Flowgate inbox'),
      el('p', {}, 'Approve and follow requests here. Sign in with your work account.'),
      el('p', {}, el('a', { class: 'button', href: signInHref(), id: 'sign-in' }, 'Sign in')),
    );
    const reason = problem?.code ? SIGNED_OUT_REASONS[problem.code] : undefined;
    if (reason) announce(status, reason, 'error');
  };

  const session = await api.session();
  if (!session.ok)
    return signedOut(
      session.problem.status === 401 && session.problem.code !== 'session_expired' ? session.problem : undefined,
    );
  const context: PageContext = { api, view, status, session: session.body, signedOut };
  who.replaceChildren(...account(context, session.body));

  const workflowId = new URLSearchParams(location.search).get('workflow');
  if (workflowId) await showWorkflow(context, workflowId);
  else await showInbox(context);
}

function account(context: PageContext, session: SessionView): HTMLElement[] {
  const name = session.user.displayName ?? session.user.email ?? session.user.id;
  const signOut = el('button', { type: 'button', class: 'secondary', id: 'sign-out' }, 'Sign out');
  signOut.addEventListener('click', () => {
    void (async () => {
      const result = await context.api.write<{ endSessionUrl?: string }>('POST', '/auth/logout', undefined);
      // Signed out here either way; the provider's end-session page signs out there too.
      location.assign(result.ok && result.body?.endSessionUrl ? result.body.endSessionUrl : '/app');
    })();
  });
  const roles = session.roles.join(', ');
  return [el('p', {}, `Signed in as ${name}`, el('span', { class: 'muted' }, roles ? `Roles: ${roles}` : ''), signOut)];
}

void start();
