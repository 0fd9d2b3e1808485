import type { AvailableTransition, Definition, HistoryEntry, Page, Workflow } from './api.js';
import { announce, el, when } from './dom.js';
import { diagramView } from './diagram.js';
import { summaryOf } from './inbox-view.js';
import { problemText, type PageContext } from './page-context.js';
import { transitionForm } from './transition-form.js';

/** One request: its fields, what can be done now, its history and its diagram. */
export async function showWorkflow(context: PageContext, id: string): Promise<void> {
  const base = `/v1/workflows/${encodeURIComponent(id)}`;
  const workflow = await context.api.get<Workflow>(base);
  if (!workflow.ok) {
    if (workflow.problem.status === 401) return context.signedOut(workflow.problem);
    announce(context.status, problemText(workflow.problem), 'error');
    context.view.replaceChildren(
      el('h1', {}, 'Request not found'),
      el('p', {}, el('a', { href: '/app' }, 'Back to the inbox')),
    );
    return;
  }
  const { definitionKey, definitionVersion } = workflow.body;
  const version = `/v1/workflow-definitions/${encodeURIComponent(definitionKey)}/versions/${definitionVersion}`;
  const [definition, available, history, diagram] = await Promise.all([
    context.api.get<Definition>(version),
    context.api.get<{ state: string; value: readonly AvailableTransition[] }>(`${base}/available-transitions`),
    context.api.get<Page<HistoryEntry>>(`${base}/history?top=200`),
    context.api.text(`${version}/diagram`),
  ]);
  const titles = new Map(
    (definition.ok ? definition.body.definition.states : []).map((s) => [s.name, s.title ?? s.name]),
  );
  const stateTitle = (name: string | null) => (name === null ? '' : (titles.get(name) ?? name));
  const reload = () => showWorkflow(context, id);

  const heading = el('h1', { tabindex: '-1' }, summaryOf(workflow.body));
  context.view.replaceChildren(
    el('p', {}, el('a', { href: '/app' }, '← Back to the inbox')),
    heading,
    el(
      'p',
      { id: 'state' },
      'State: ',
      el('strong', {}, stateTitle(workflow.body.state)),
      workflow.body.terminal ? ' (final)' : '',
    ),
    fields(workflow.body),
    el(
      'section',
      { 'aria-labelledby': 'actions-heading' },
      el('h2', { id: 'actions-heading' }, 'Actions'),
      ...(available.ok && definition.ok
        ? actions(context, workflow.body, workflow.etag, available.body.value, definition.body, stateTitle, reload)
        : [el('p', {}, 'The actions could not be loaded.')]),
    ),
    el(
      'section',
      { 'aria-labelledby': 'history-heading' },
      el('h2', { id: 'history-heading' }, 'History'),
      history.ok ? historyTable(history.body.value, stateTitle) : el('p', {}, 'The history could not be loaded.'),
    ),
    el(
      'section',
      { 'aria-labelledby': 'diagram-heading' },
      el('h2', { id: 'diagram-heading' }, 'Diagram'),
      diagramView(diagram.ok ? diagram.body : undefined, workflow.body.state),
    ),
  );
}

function fields(workflow: Workflow): HTMLElement {
  const entries = Object.entries(workflow.data ?? {});
  return el(
    'dl',
    {},
    ...entries.flatMap(([name, value]) => [
      el('dt', {}, name),
      el('dd', {}, typeof value === 'string' ? value : JSON.stringify(value)),
    ]),
    el('dt', {}, 'Started'),
    el('dd', {}, when(workflow.createdAt)),
    el('dt', {}, 'Last change'),
    el('dd', {}, when(workflow.updatedAt)),
  );
}

function actions(
  context: PageContext,
  workflow: Workflow,
  etag: string | null,
  available: readonly AvailableTransition[],
  definition: Definition,
  stateTitle: (name: string) => string,
  reload: () => Promise<void>,
): HTMLElement[] {
  // A transition refused only for a missing step-up is offered all the same: taking it is what
  // sends the person to sign in again with MFA.
  const actionable = (t: AvailableTransition) => t.allowed || t.reason === 'step_up_required';
  const allowed = available.filter(actionable);
  const refused = available.filter((t) => !actionable(t));
  const forms = allowed.map((transition) =>
    transitionForm(context, {
      workflow,
      etag,
      transition,
      schema: definition.definition.transitions.find((t) => t.name === transition.name),
      toTitle: stateTitle(transition.to),
      reload,
    }),
  );
  const notNow =
    refused.length === 0
      ? null
      : el(
          'details',
          {},
          el('summary', {}, `Not available to you now (${refused.length})`),
          el('ul', {}, ...refused.map((t) => el('li', {}, `${t.title ?? t.name}: ${t.detail ?? t.reason ?? ''}`))),
        );
  return [allowed.length === 0 ? el('p', {}, 'Nothing for you to do here now.') : null, ...forms, notNow].filter(
    (node): node is HTMLElement => node !== null,
  );
}

function historyTable(entries: readonly HistoryEntry[], stateTitle: (name: string | null) => string): HTMLElement {
  return el(
    'table',
    {},
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        ...['When', 'What', 'From', 'To', 'Who', 'Comment'].map((title) => el('th', { scope: 'col' }, title)),
      ),
    ),
    el(
      'tbody',
      {},
      ...entries.map((entry) =>
        el(
          'tr',
          {},
          el('td', {}, when(entry.occurredAt)),
          el('td', {}, entry.transition ?? entry.kind),
          el('td', {}, stateTitle(entry.fromState)),
          el('td', {}, stateTitle(entry.toState)),
          el('td', {}, entry.actorType === 'system' ? 'system' : (entry.actorId ?? '')),
          el('td', {}, entry.comment ?? ''),
        ),
      ),
    ),
  );
}
