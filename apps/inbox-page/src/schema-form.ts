import type { FieldError } from './api.js';
import { el } from './dom.js';

/** The part of JSON Schema the form understands: an object of scalar properties. */
interface PropertySchema {
  readonly type?: string | readonly string[];
  readonly title?: string;
  readonly description?: string;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly maxLength?: number;
}

interface ObjectSchema {
  readonly properties?: Readonly<Record<string, PropertySchema>>;
  readonly required?: readonly string[];
}

interface Field {
  readonly name: string;
  readonly kind: 'string' | 'number' | 'integer' | 'boolean' | 'enum';
  readonly required: boolean;
  readonly control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  readonly message: HTMLElement;
  readonly options?: readonly unknown[];
}

export interface SchemaForm {
  readonly element: HTMLElement;
  /** The input object, or undefined when a field could not be read (its message is shown). */
  values(): Record<string, unknown> | undefined;
  /** Puts each problem next to its field; returns those that match no field. */
  showErrors(errors: readonly FieldError[], pointerPrefix: string): FieldError[];
  fill(values: Readonly<Record<string, unknown>>): void;
}

/**
 * A form generated from a transition's input schema. The browser's own checks cover only type and
 * `required`; every other rule (ranges, lengths, patterns, the definition's conditions) is the
 * API's to judge, and its answer is shown beside the field it names.
 */
export function schemaForm(schema: unknown, idPrefix: string): SchemaForm {
  const object = (schema ?? {}) as ObjectSchema;
  const required = new Set(object.required ?? []);
  const fields = Object.entries(object.properties ?? {}).map(([name, property]) =>
    fieldFor(name, property, required.has(name), `${idPrefix}-${name}`),
  );
  const element = el('div', { class: 'fields' }, ...fields.map((field) => field.control.closest('p') ?? null));

  return {
    element,
    values() {
      const values: Record<string, unknown> = {};
      let readable = true;
      for (const field of fields) {
        clear(field);
        const value = read(field);
        if (value instanceof Error) {
          mark(field, value.message);
          readable = false;
        } else if (value !== undefined) {
          values[field.name] = value;
        }
      }
      return readable ? values : undefined;
    },
    showErrors(errors, pointerPrefix) {
      const unmatched: FieldError[] = [];
      for (const field of fields) clear(field);
      for (const error of errors) {
        const name = error.pointer.startsWith(`${pointerPrefix}/`) ? error.pointer.slice(pointerPrefix.length + 1) : '';
        const field = fields.find(
          (candidate) => candidate.name === name.split('/')[0].replace(/~1/g, '/').replace(/~0/g, '~'),
        );
        if (field) mark(field, error.detail);
        else unmatched.push(error);
      }
      fields.find((field) => field.control.getAttribute('aria-invalid') === 'true')?.control.focus();
      return unmatched;
    },
    fill(values) {
      for (const field of fields) {
        const value = values[field.name];
        if (value === undefined) continue;
        if (field.control instanceof HTMLInputElement && field.kind === 'boolean')
          field.control.checked = value === true;
        else if (field.kind === 'enum') field.control.value = String((field.options ?? []).indexOf(value));
        else if (typeof value === 'string' || typeof value === 'number') field.control.value = String(value);
      }
    },
  };
}

function kindOf(property: PropertySchema): Field['kind'] {
  if (property.enum) return 'enum';
  const types: readonly string[] = typeof property.type === 'string' ? [property.type] : (property.type ?? []);
  const type = types.find((t) => t !== 'null');
  return type === 'number' || type === 'integer' || type === 'boolean' ? type : 'string';
}

function fieldFor(name: string, property: PropertySchema, required: boolean, id: string): Field {
  const kind = kindOf(property);
  const messageId = `${id}-message`;
  const hintId = `${id}-hint`;
  const describedBy = [property.description ? hintId : '', messageId].filter(Boolean).join(' ');
  const common = { id, name, 'aria-describedby': describedBy, required: required && kind !== 'boolean' };
  let control: Field['control'];
  if (kind === 'enum') {
    control = el(
      'select',
      common,
      required ? null : el('option', { value: '' }, '—'),
      ...(property.enum ?? []).map((option, index) => el('option', { value: String(index) }, String(option))),
    );
  } else if (kind === 'boolean') {
    control = el('input', { ...common, type: 'checkbox' });
  } else if (kind === 'string' && (property.maxLength === undefined || property.maxLength > 200)) {
    control = el('textarea', { ...common, rows: '3' });
  } else {
    const numeric = kind === 'number' || kind === 'integer';
    control = el('input', {
      ...common,
      type: 'text',
      inputmode: numeric ? (kind === 'integer' ? 'numeric' : 'decimal') : undefined,
      autocomplete: 'off',
    });
  }
  const message = el('span', { id: messageId, class: 'field-message' });
  const label = el(
    'label',
    { for: id },
    property.title ?? name,
    required ? el('span', { class: 'required' }, ' (required)') : null,
  );
  const hint = property.description ? el('span', { id: hintId, class: 'hint' }, property.description) : null;
  const parts = kind === 'boolean' ? [control, ' ', label, hint, message] : [label, hint, control, message];
  el('p', { class: `field field-${kind}` }, ...parts);
  return { name, kind, required, control, message, options: property.enum };
}

function read(field: Field): unknown {
  const { control, kind } = field;
  if (kind === 'boolean') return (control as HTMLInputElement).checked;
  const raw = control.value.trim();
  if (raw === '') return field.required ? new Error('This field is required.') : undefined;
  if (kind === 'enum') return (field.options ?? [])[Number(raw)];
  if (kind === 'string') return control.value;
  const number = Number(raw);
  if (!Number.isFinite(number)) return new Error('Enter a number.');
  if (kind === 'integer' && !Number.isInteger(number)) return new Error('Enter a whole number.');
  return number;
}

function mark(field: Field, text: string): void {
  field.message.textContent = text;
  field.control.setAttribute('aria-invalid', 'true');
}

function clear(field: Field): void {
  field.message.textContent = '';
  field.control.removeAttribute('aria-invalid');
}
