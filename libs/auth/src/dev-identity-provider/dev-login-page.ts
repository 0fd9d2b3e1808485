import type { PendingSignIn } from './dev-sign-in';

const ROLES = ['viewer', 'requester', 'approver', 'admin', 'auditor'] as const;

/**
 * The development issuer's sign-in page: pick a user name, roles and whether this sign-in counts
 * as MFA. A plain form (GET, no script), so it works under the app's strict CSP and with a
 * keyboard alone; every control has a label.
 */
export function devLoginPage(requestId: string, pending: PendingSignIn): string {
  const roleBoxes = ROLES.map(
    (role) =>
      `<li><input type="checkbox" id="role-${role}" name="roles" value="${role}"${role === 'viewer' ? ' checked' : ''}>` +
      ` <label for="role-${role}">${role}</label></li>`,
  ).join('\n        ');
  const stepUpNote = pending.stepUpAsked
    ? '<p role="status"><strong>The application asks for a multi-factor sign-in.</strong></p>'
    : '';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign in — Flowgate development identity provider</title>
  <style>
    body { font: 16px/1.5 system-ui, sans-serif; color: #111; background: #fff; max-width: 32rem; margin: 2rem auto; padding: 0 1rem; }
    fieldset { border: 1px solid #555; margin: 1rem 0; }
    ul { list-style: none; padding: 0; margin: 0; }
    input[type=text] { font: inherit; padding: .3rem; border: 1px solid #333; width: 100%; box-sizing: border-box; }
    button { font: inherit; padding: .4rem 1.2rem; background: #0b4f9c; color: #fff; border: 0; border-radius: 4px; }
    :focus-visible { outline: 3px solid #c45500; outline-offset: 2px; }
    .warning { background: #fff3cd; border: 1px solid #8a6d00; padding: .5rem; }
  </style>
</head>
<body>
  <main>
    <h1>Sign in</h1>
    <p class="warning">Development identity provider: anyone can be anyone here. It never runs in production.</p>
    ${stepUpNote}
    <form method="get" action="authorize/approve">
      <input type="hidden" name="request" value="${escapeHtml(requestId)}">
      <p><label for="user">User name</label>
        <input type="text" id="user" name="user" required pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}" autocomplete="username" value="alice" autofocus></p>
      <fieldset>
        <legend>Roles in the token</legend>
        <ul>
        ${roleBoxes}
        </ul>
      </fieldset>
      <p><input type="checkbox" id="mfa" name="mfa"${pending.stepUpAsked ? ' checked' : ''}>
        <label for="mfa">Signed in with multi-factor authentication (step-up)</label></p>
      <button type="submit">Sign in</button>
    </form>
  </main>
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
