import type { WorkflowDefinition } from '../definition/workflow-definition';

/** One published, immutable version of a workflow definition, as stored. */
export interface PublishedDefinition {
  readonly key: string;
  readonly version: number;
  readonly title: string;
  /** The validated, normalised definition the engine runs. */
  readonly definition: WorkflowDefinition;
  /** The admin who published it; null for definitions the system seeded. */
  readonly publishedBy: string | null;
  readonly publishedAt: Date;
}
