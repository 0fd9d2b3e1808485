import type { Page, Workflow } from './api.js';
import { announce, el, when } from './dom.js';
import { problemText, type PageContext } from './page-context.js';

/** The two lists an approver and a requester start from: work offered to me, and what I asked for. */
export async function showInbox(context: PageContext): Promise<void> {
  const [waiting, mine] = await Promise.all([
    context.api.get<Page<Workflow>>('/v1/workflows?waitingForMe=true&top=50'),
    context.api.get<Page<Workflow>>('/v1/workflows?initiator=me&top=50'),
  ]);
  for (const result of [waiting, mine]) {
    if (!result.ok) {
      if (result.problem.status === 401) return context.signedOut(result.problem);
      announce(context.status, problemText(result.problem), 'error');
    }
  }
  context.view.replaceChildren(
    el('h1', {}, 'Inbox'),
    section('waiting', 'Waiting for me', waiting.ok ? waiting.body.value : [], 'Nothing is waiting for you.'),
    section('mine', 'My requests', mine.ok ? mine.body.value : [], 'You have not started any request.'),
  );
}

function section(id: string, title: string, workflows: readonly Workflow[], empty: string): HTMLElement {
  const headingId = `${id}-heading`;
  return el(
    'section',
    { 'aria-labelledby': headingId, id },
    el('h2', { id: headingId }, `${title} (${workflows.length})`),
    workflows.length === 0
      ? el('p', {}, empty)
      : el(
          'table',
          {},
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              el('th', { scope: 'col' }, 'Request'),
              el('th', { scope: 'col' }, 'State'),
              el('th', { scope: 'col' }, 'Updated'),
            ),
          ),
          el('tbody', {}, ...workflows.map(row)),
        ),
  );
}

function row(workflow: Workflow): HTMLElement {
  return el(
    'tr',
    {},
    el('td', {}, el('a', { href: `/app?workflow=${encodeURIComponent(workflow.id)}` }, summaryOf(workflow))),
    el('td', {}, workflow.state),
    el('td', {}, when(workflow.updatedAt)),
  );
}

/** The definition key and the request's own words, when its data has a description or title. */
export function summaryOf(workflow: Workflow): string {
  const data = workflow.data ?? {};
  const words = [data.description, data.title, data.summary].find((value) => typeof value === 'string');
  const amount =
    typeof data.amount === 'number'
      ? ` — ${data.amount}${typeof data.currency === 'string' ? ` ${data.currency}` : ''}`
      : '';
  return `${workflow.definitionKey}: ${typeof words === 'string' ? words : workflow.id.slice(0, 8)}${amount}`;
}
