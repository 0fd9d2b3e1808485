import { Injectable } from '@nestjs/common';
import { type AuditActor, AuditService, userActor } from '@flowgate/audit';
import type { Principal } from '@flowgate/auth';
import {
  AppError,
  canonicalJson,
  decodeCursor,
  encodeCursor,
  nextLinkFor,
  type PageQueryDto,
  TransactionRunner,
  withETag,
} from '@flowgate/core';
import type { EntityManager } from 'typeorm';
import { validateDefinition } from '../definition/definition-validator';
import { toMermaid } from '../definition/mermaid-diagram';
import { DEFINITION_KEY_PATTERN, type WorkflowDefinition } from '../definition/workflow-definition';
import type { WorkflowDefinitionListDto } from './dto/workflow-definition-list.dto';
import type { WorkflowDefinitionSummaryDto } from './dto/workflow-definition-summary.dto';
import type { WorkflowDefinitionDto } from './dto/workflow-definition.dto';
import type { PublishedDefinition } from './published-definition';
import { WorkflowDefinitionStore } from './workflow-definition-store';
import { type DefinitionSummary, WorkflowDefinitionsRepository } from './workflow-definitions.repository';

/** Publishing (admins) and reading (everyone) workflow definitions. */
@Injectable()
export class WorkflowDefinitionsService {
  constructor(
    private readonly definitions: WorkflowDefinitionsRepository,
    private readonly store: WorkflowDefinitionStore,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
  ) {}

  /**
   * Validates the document and publishes it as its key's next version, with its audit event, in
   * one transaction. Every violation is reported at once, each pointing into the body.
   */
  async publish(actor: Principal, document: unknown): Promise<WorkflowDefinitionDto> {
    const definition = this.validated(document);
    const published = await this.transactions.run(async (manager) => {
      await this.definitions.lockKeyForPublishing(definition.key, manager);
      const inserted = await this.definitions.insertNextVersion(definition, actor.userId, manager);
      // Only a writer that bypassed the key's lock could have taken this version meanwhile.
      if (!inserted) {
        throw new AppError('conflict', `Another version of "${definition.key}" was published at the same time; retry.`);
      }
      await this.recordPublished(inserted, userActor(actor), manager);
      return inserted;
    });
    return toDefinitionDto(published);
  }

  /**
   * Publishes an example (development seeding) when its key has no version yet, or as a new
   * version when the latest one was seeded from an older edition of the example; a version an
   * admin published is left alone. False when nothing was published: seeded before, by another
   * instance starting alongside, or the key is an admin's.
   */
  async seed(document: unknown): Promise<boolean> {
    const definition = this.validated(document);
    return this.transactions.run(async (manager) => {
      await this.definitions.lockKeyForPublishing(definition.key, manager);
      const latest = await this.definitions.latestVersionOf(definition.key);
      if (latest !== undefined) {
        const current = await this.definitions.findVersion(definition.key, latest);
        const outdated =
          current?.publishedBy === null && canonicalJson(current.definition) !== canonicalJson(definition);
        if (!outdated) return false;
      }
      const inserted = await this.definitions.insertNextVersion(definition, null, manager);
      if (inserted) await this.recordPublished(inserted, { type: 'system' }, manager);
      return inserted !== undefined;
    });
  }

  async list(query: PageQueryDto, requestUrl: string): Promise<WorkflowDefinitionListDto> {
    const after = query.cursor
      ? decodeCursor(query.cursor, { key: (key) => DEFINITION_KEY_PATTERN.test(key) })
      : undefined;
    // One extra row tells whether another page exists without a count query.
    const rows = await this.definitions.listLatest({ afterKey: after?.key, limit: query.top + 1 });
    const page = rows.slice(0, query.top);
    const value = page.map(toSummaryDto);
    const last = page.at(-1);
    if (rows.length <= query.top || !last) return { value };
    return { value, nextLink: nextLinkFor(requestUrl, encodeCursor({ key: last.key })) };
  }

  async get(key: string, version?: number): Promise<WorkflowDefinitionDto> {
    return toDefinitionDto(await this.store.get(key, version));
  }

  /** The version as a Mermaid `stateDiagram-v2`. */
  async diagram(key: string, version: number): Promise<string> {
    return toMermaid((await this.store.get(key, version)).definition);
  }

  private validated(document: unknown): WorkflowDefinition {
    if (typeof document !== 'object' || document === null || Array.isArray(document)) {
      throw new AppError('validation_failed', 'The body must be a JSON object: a workflow definition document.', {
        errors: [{ pointer: '/body', code: 'invalid_type', detail: 'must be a JSON object' }],
      });
    }
    const validation = validateDefinition(document);
    if (validation.valid) return validation.definition;
    const { violations } = validation;
    const count = violations.length === 1 ? '1 problem' : `${violations.length} problems`;
    throw new AppError('validation_failed', `The workflow definition has ${count}; see errors.`, {
      errors: violations.map(({ pointer, code, detail }) => ({ pointer: `/body${pointer}`, code, detail })),
    });
  }

  /** Last in the unit of work: the audit chain's lock is then held for the commit only. */
  private recordPublished(published: PublishedDefinition, actor: AuditActor, manager: EntityManager): Promise<void> {
    const { key, version, title } = published;
    return this.audit.record(
      {
        actor,
        action: 'workflow_definition.published',
        resource: { type: 'workflow_definition', id: `${key}@${version}` },
        outcome: 'succeeded',
        after: { key, version, title },
      },
      manager,
    );
  }
}

function toSummaryDto(summary: DefinitionSummary): WorkflowDefinitionSummaryDto {
  return {
    key: summary.key,
    version: summary.version,
    title: summary.title,
    ...(summary.description === undefined ? {} : { description: summary.description }),
    publishedAt: summary.publishedAt.toISOString(),
    publishedBy: summary.publishedBy,
  };
}

/** Versions never change, so the version number is a strong ETag for as long as it is the one served. */
function toDefinitionDto(published: PublishedDefinition): WorkflowDefinitionDto {
  const { definition } = published;
  return withETag(
    {
      ...toSummaryDto({ ...published, description: definition.description }),
      definition,
    },
    published.version,
  );
}
