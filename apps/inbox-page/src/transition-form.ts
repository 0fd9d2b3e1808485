import type { AvailableTransition, DefinitionTransition, Workflow } from './api.js';
import { announce, el } from './dom.js';
import { problemText, signInHref, type PageContext } from './page-context.js';
import { schemaForm } from './schema-form.js';

export interface TransitionFormOptions {
  readonly workflow: Workflow;
  readonly etag: string | null;
  readonly transition: AvailableTransition;
  readonly schema: DefinitionTransition | undefined;
  readonly toTitle: string;
  readonly reload: () => Promise<void>;
}

/** Kept across the step-up sign-in, so the person finds the form as they left it. */
const PENDING_KEY = 'flowgate.pendingTransition';

interface Pending {
  readonly workflowId: string;
  readonly transition: string;
  readonly input: Readonly<Record<string, unknown>>;
}

/**
 * One transition the person may take, as a form: its input fields (from the definition's schema)
 * and a button. Sent with a fresh Idempotency-Key per attempt, and If-Match with the version the
 * page shows, so a request that changed meanwhile is not decided on stale facts.
 */
export function transitionForm(context: PageContext, options: TransitionFormOptions): HTMLElement {
  const { workflow, transition } = options;
  const id = `t-${transition.name}`;
  const inputs = schemaForm(options.schema?.input, id);
  const title = transition.title ?? transition.name;
  const votes = transition.required ? ` (${transition.votes ?? 0} of ${transition.required} votes)` : '';
  const stepUpNote = options.schema?.stepUp ? el('span', { class: 'hint' }, 'Needs a multi-factor sign-in.') : null;
  const form = el(
    'form',
    { 'aria-labelledby': `${id}-legend`, novalidate: true },
    el(
      'fieldset',
      {},
      el('legend', { id: `${id}-legend` }, `${title} → ${options.toTitle}${votes}`),
      stepUpNote,
      inputs.element,
      el('button', { type: 'submit' }, title),
    ),
  );
  const pending = takePending(workflow.id, transition.name);
  if (pending) {
    inputs.fill(pending);
    announce(context.status, `You signed in again with multi-factor authentication. Take "${title}" again to finish.`);
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const input = inputs.values();
    if (!input) return announce(context.status, 'Some fields need attention.', 'error');
    void submit(context, options, input, inputs);
  });
  return form;
}

async function submit(
  context: PageContext,
  options: TransitionFormOptions,
  input: Record<string, unknown>,
  inputs: ReturnType<typeof schemaForm>,
): Promise<void> {
  const { workflow, transition } = options;
  const title = transition.title ?? transition.name;
  announce(context.status, `Sending "${title}"…`);
  const result = await context.api.write<{ workflow: Workflow }>(
    'POST',
    `/v1/workflows/${encodeURIComponent(workflow.id)}/transitions`,
    { name: transition.name, ...(options.schema?.input ? { input } : {}) },
    { 'Idempotency-Key': crypto.randomUUID(), ...(options.etag ? { 'If-Match': options.etag } : {}) },
  );
  if (result.ok) {
    await options.reload();
    // The form that had focus is gone with the old view: keyboard users continue from the heading.
    context.view.querySelector<HTMLElement>('h1')?.focus();
    announce(context.status, `Done: "${title}". The request is now ${result.body.workflow.state}.`);
    return;
  }
  const problem = result.problem;
  if (problem.code === 'step_up_required' && problem.signInUrl) {
    const pending: Pending = { workflowId: workflow.id, transition: transition.name, input };
    sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
    announce(context.status, 'This step needs a multi-factor sign-in; taking you there…');
    location.assign(signInHref(problem.signInUrl));
    return;
  }
  if (problem.status === 401) return context.signedOut(problem);
  if (problem.status === 412) {
    await options.reload();
    announce(
      context.status,
      'Someone changed this request meanwhile; it is shown as it is now. Check it and try again.',
      'error',
    );
    return;
  }
  const unmatched = problem.errors ? inputs.showErrors(problem.errors, '/body/input') : [];
  const rest = unmatched.map((error) => `${error.pointer}: ${error.detail}`).join('; ');
  announce(context.status, `${problemText(problem)}${rest ? ` — ${rest}` : ''}`, 'error');
}

function takePending(workflowId: string, transition: string): Readonly<Record<string, unknown>> | undefined {
  const raw = sessionStorage.getItem(PENDING_KEY);
  if (!raw) return undefined;
  try {
    const pending = JSON.parse(raw) as Pending;
    if (pending.workflowId !== workflowId || pending.transition !== transition) return undefined;
    sessionStorage.removeItem(PENDING_KEY);
    return pending.input;
  } catch {
    sessionStorage.removeItem(PENDING_KEY);
    return undefined;
  }
}
