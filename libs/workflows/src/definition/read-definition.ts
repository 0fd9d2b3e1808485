import { readObject, readPattern, readText, type Report } from './document-reader';
import { jsonPointer } from './json-pointer';
import { readStates, type StateDraft } from './read-states';
import { readTransitions, type TransitionDraft } from './read-transitions';
import { compileSchema, type CompiledSchema, type SchemaCompiler } from './schema-compiler';
import { readChoice } from './read-choice';
import { readFieldPointers, type FieldReference } from './read-data-fields';
import {
  DEFINITION_KEY_PATTERN,
  DESCRIPTION_BOUNDS,
  TITLE_BOUNDS,
  VISIBILITIES,
  type Visibility,
} from './workflow-definition';

/** The whole document as read: every field the document got right, and a report of the rest. */
export interface DefinitionDraft {
  readonly key?: string;
  readonly title?: string;
  readonly description?: string;
  readonly visibility?: Visibility;
  readonly dataSchema?: CompiledSchema;
  /** A data schema was given, whether or not it compiled: conditions cannot be checked without it. */
  readonly dataSchemaGiven?: boolean;
  readonly readOnly: readonly FieldReference[];
  /** Undefined when the document has no list of states, so references to states cannot be judged. */
  readonly states?: readonly StateDraft[];
  readonly transitions?: readonly TransitionDraft[];
}

const DOCUMENT_PROPERTIES = {
  required: ['key', 'title', 'states', 'transitions'],
  optional: ['description', 'visibility', 'dataSchema', 'readOnly'],
} as const;

const INVALID_KEY = {
  code: 'invalid_key',
  detail: 'must be a lowercase letter, then 1 to 62 lowercase letters, digits or hyphens',
} as const;

/** Reads the shape of every field, reporting what is wrong; cross-references are checked later. */
export function readDefinition(document: unknown, compiler: SchemaCompiler, report: Report): DefinitionDraft {
  const fields = readObject(document, '', DOCUMENT_PROPERTIES, report);
  if (fields === undefined) return { readOnly: [] };
  const { key, title, description, visibility, dataSchema, readOnly, states, transitions } = fields;
  return {
    key: key === undefined ? undefined : readPattern(key, '/key', DEFINITION_KEY_PATTERN, INVALID_KEY, report),
    title: title === undefined ? undefined : readText(title, '/title', TITLE_BOUNDS, report),
    description:
      description === undefined ? undefined : readText(description, '/description', DESCRIPTION_BOUNDS, report),
    visibility:
      visibility === undefined
        ? undefined
        : readChoice(visibility, '/visibility', VISIBILITIES, 'unknown_visibility', 'a visibility', report),
    dataSchema: dataSchema === undefined ? undefined : compileSchema(compiler, dataSchema, '/dataSchema', report),
    dataSchemaGiven: dataSchema !== undefined,
    readOnly: readOnly === undefined ? [] : readFieldPointers(readOnly, '/readOnly', report),
    states: states === undefined ? undefined : readStates(states, jsonPointer('states'), report),
    transitions:
      transitions === undefined
        ? undefined
        : readTransitions(transitions, jsonPointer('transitions'), compiler, report),
  };
}
