import { el } from './dom.js';

/** Mermaid's API as far as the page uses it; the module itself is fetched from the server on first use. */
interface Mermaid {
  initialize(config: Record<string, unknown>): void;
  render(id: string, source: string): Promise<{ svg: string }>;
}

/** Mermaid's published ES module build, copied beside the page by `npm run build:inbox`. */
const MERMAID_MODULE = '/app/assets/mermaid/mermaid.esm.min.mjs';

let mermaid: Promise<Mermaid> | undefined;
let drawn = 0;

/**
 * Loaded on the first opened request, not with the page: the inbox itself never pays for it.
 * `securityLevel: 'strict'` makes Mermaid sanitise every label (DOMPurify) and turn off click
 * handlers, so a state title in a definition can never become markup or script in the page.
 */
function loadMermaid(): Promise<Mermaid> {
  mermaid ??= (import(MERMAID_MODULE) as Promise<{ default: Mermaid }>).then(({ default: module }) => {
    module.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'neutral' });
    return module;
  });
  return mermaid;
}

/**
 * The workflow's diagram drawn in the page, with its Mermaid source kept beside it (folded) for
 * those who read text better than pictures or want to paste it elsewhere. If drawing fails, the
 * source stays and the figure says so: the page never depends on the diagram.
 */
export function diagramView(source: string | undefined, currentState: string): HTMLElement {
  const figure = el('figure', { id: 'diagram', 'aria-busy': 'true' }, el('p', { class: 'muted' }, 'Drawing…'));
  const sourceView = el(
    'details',
    {},
    el('summary', {}, 'Mermaid source'),
    el('pre', { 'aria-label': 'Mermaid diagram source' }, source ?? 'The diagram could not be loaded.'),
  );
  if (source === undefined) figure.replaceChildren(el('p', {}, 'The diagram could not be loaded.'));
  else void draw(figure, withCurrentState(source, currentState));
  return el('div', {}, figure, sourceView);
}

/**
 * The source with the instance's current state highlighted (Mermaid's `classDef` / `class`). State
 * names are identifiers the definition validator allows ([a-z0-9_]), so they go into the source as is.
 */
function withCurrentState(source: string, state: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(state)) return source;
  return `${source.trimEnd()}\n    classDef current fill:#fff3bf,stroke:#8a6d00,stroke-width:3px\n    class ${state} current\n`;
}

async function draw(figure: HTMLElement, source: string): Promise<void> {
  try {
    const { svg } = await (await loadMermaid()).render(`diagram-svg-${++drawn}`, source);
    // Mermaid's output, sanitised by Mermaid itself (strict); a template parses it without running it.
    const template = document.createElement('template');
    template.innerHTML = svg;
    const image = template.content.querySelector('svg');
    if (!image) throw new Error('Mermaid drew no SVG');
    image.setAttribute('role', 'img');
    image.setAttribute('aria-label', 'Diagram of the workflow: its states and the transitions between them');
    figure.replaceChildren(
      image,
      el('figcaption', { class: 'muted' }, 'States and transitions; the current state is highlighted.'),
    );
  } catch {
    figure.replaceChildren(el('p', {}, 'The diagram could not be drawn; its Mermaid source is below.'));
  } finally {
    figure.removeAttribute('aria-busy');
  }
}
