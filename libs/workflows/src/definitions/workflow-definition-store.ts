import { Injectable } from '@nestjs/common';
import { AppError } from '@flowgate/core';
import { LRUCache } from 'lru-cache';
import type { PublishedDefinition } from './published-definition';
import { WorkflowDefinitionsRepository } from './workflow-definitions.repository';

/** Enough for every version in use at once on a busy deployment; older ones are read again. */
const CACHE_CAPACITY = 500;

/**
 * Published definitions for the rest of the library (starting and moving instances). A version
 * never changes once published, so each is read from the database once and kept, least recently
 * used first out. A version comes back as the same object every time while cached, which keeps
 * the engine's compiled schemas (cached per definition object) warm. Which version is the latest
 * does change, so that is asked of the database on every call.
 */
@Injectable()
export class WorkflowDefinitionStore {
  private readonly cache = new LRUCache<string, PublishedDefinition>({ max: CACHE_CAPACITY });

  constructor(private readonly definitions: WorkflowDefinitionsRepository) {}

  /**
   * A named version: the cached object itself when it is cached, else a promise of it. Every read
   * and every move asks for its instance's definition, nearly always cached; answering that without
   * a promise spares the two an `await` of an async function costs, each through
   * `AsyncLocalStorage`'s hook (docs/performance.md).
   */
  version(key: string, version: number): PublishedDefinition | Promise<PublishedDefinition> {
    return this.cache.get(`${key}@${version}`) ?? this.get(key, version);
  }

  /** The named version, or the latest when `version` is undefined; `not_found` when absent. */
  async get(key: string, version?: number): Promise<PublishedDefinition> {
    const wanted = version ?? (await this.definitions.latestVersionOf(key));
    if (wanted === undefined) throw new AppError('not_found', `There is no workflow definition "${key}".`);
    const id = `${key}@${wanted}`;
    const cached = this.cache.get(id);
    if (cached) return cached;
    const found = await this.definitions.findVersion(key, wanted);
    if (!found) throw new AppError('not_found', `Workflow definition "${key}" has no version ${wanted}.`);
    // Two concurrent misses read the row twice; the first to finish is the one everybody keeps.
    const raced = this.cache.get(id);
    if (raced) return raced;
    this.cache.set(id, found);
    return found;
  }
}
