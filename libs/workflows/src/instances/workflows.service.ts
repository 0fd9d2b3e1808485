import { Injectable } from '@nestjs/common';
import { AuditService, userActor } from '@flowgate/audit';
import type { Principal } from '@flowgate/auth';
import {
  AppError,
  CURSOR_VALUE,
  decodeCursor,
  encodeCursor,
  nextLinkFor,
  PageQueryDto,
  TransactionRunner,
  withETag,
} from '@flowgate/core';
import type { DefinitionVersion } from '../authority/authority-rules';
import { seesEverything } from '../authority/instance-authority';
import type { PublishedDefinition } from '../definitions/published-definition';
import { WorkflowDefinitionStore } from '../definitions/workflow-definition-store';
import { availableTransitions } from '../engine/available-transitions';
import { idsFor, indexOf } from '../engine/definition-index';
import { timersOnEntry } from '../engine/timers';
import { validateData } from '../engine/validate-data';
import { WorkflowTimersRepository } from '../timers/workflow-timers.repository';
import type { AvailableTransitionsDto } from './dto/available-transition.dto';
import type { HistoryListDto } from './dto/history-entry.dto';
import type { ListWorkflowsQueryDto } from './dto/list-workflows-query.dto';
import type { StartWorkflowDto } from './dto/start-workflow.dto';
import type { WorkflowListDto } from './dto/workflow-list.dto';
import type { WorkflowDto } from './dto/workflow.dto';
import { EntryAssignments } from './entry-assignments';
import { InstanceMoves } from './instance-moves';
import { InstanceAccess } from './instance-access';
import type { ListScope } from './instance-list-query';
import { listScope } from './list-scope';
import { InstancePeopleRepository } from './instance-people.repository';
import { auditSnapshot, toHistoryEntryDto, toWorkflowDto } from './workflow-dto.mapper';
import { WorkflowInstancesRepository } from './workflow-instances.repository';

/** Starting, reading and listing workflow instances. Transitions: `WorkflowTransitionsService`. */
@Injectable()
export class WorkflowsService {
  constructor(
    private readonly instances: WorkflowInstancesRepository,
    private readonly people: InstancePeopleRepository,
    private readonly access: InstanceAccess,
    private readonly definitions: WorkflowDefinitionStore,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly timers: WorkflowTimersRepository,
    private readonly entries: EntryAssignments,
    private readonly moves: InstanceMoves,
  ) {}

  /** Starts an instance in the definition's initial state, pinned to that definition version. */
  async start(principal: Principal, request: StartWorkflowDto): Promise<WorkflowDto> {
    const published = await this.definitionToStart(request);
    const { definition } = published;
    const data = validateData(definition, request.data);
    if (!data.valid) {
      throw new AppError('validation_failed', `The data has ${data.errors.length} problem(s); see errors.`, {
        errors: data.errors.map((error) => ({ ...error, pointer: `/body${error.pointer}` })),
      });
    }
    const initial = definition.states.find((state) => state.initial)!;
    const instance = await this.transactions.run(async (manager) => {
      const created = await this.instances.insert(
        {
          definitionKey: published.key,
          definitionVersion: published.version,
          state: initial.name,
          data: request.data ?? null,
          initiatorId: principal.userId,
        },
        manager,
      );
      await this.people.addParticipants(created, [principal.userId], manager);
      const pendingTimers = await this.timers.arm(created.id, 1, timersOnEntry(definition, initial.name), manager);
      const entered = await this.entries.assign(definition, created, manager);
      const assigneeIds = entered && 'assigneeId' in entered ? [entered.assigneeId] : [];
      const assignedRole = entered && 'role' in entered ? entered.role : null;
      await this.instances.appendHistory(
        created.id,
        {
          seq: 1,
          kind: 'started',
          transition: null,
          fromState: null,
          toState: initial.name,
          actorId: principal.userId,
          assigneeId: null,
          input: null,
          comment: null,
        },
        manager,
      );
      await this.instances.appendOutbox(
        {
          topic: 'workflow.started',
          aggregateId: created.id,
          payload: {
            workflowId: created.id,
            definitionKey: published.key,
            definitionVersion: published.version,
            state: initial.name,
            initiatorId: principal.userId,
          },
        },
        manager,
      );
      await this.audit.record(
        {
          actor: userActor(principal),
          action: 'workflow.started',
          resource: { type: 'workflow', id: created.id },
          outcome: 'succeeded',
          after: {
            ...auditSnapshot(created),
            definitionKey: published.key,
            definitionVersion: published.version,
            data: request.data ?? null,
          },
        },
        manager,
      );
      const started = { ...created, assigneeIds, assignedRole, pendingTimers };
      if (entered !== undefined) await this.entries.record(entered, started, 2, manager);
      return this.moves.followAutomatic(definition, started, entered === undefined ? 1 : 2, manager);
    });
    return withETag(toWorkflowDto(instance), instance.version);
  }

  async get(principal: Principal, id: string): Promise<WorkflowDto> {
    const { instance } = await this.access.visible(principal, id);
    return withETag(toWorkflowDto(instance), instance.version);
  }

  async list(principal: Principal, query: ListWorkflowsQueryDto, requestUrl: string): Promise<WorkflowListDto> {
    const after = query.cursor
      ? decodeCursor(query.cursor, { createdAt: CURSOR_VALUE.isoMillis, id: CURSOR_VALUE.uuid })
      : undefined;
    const rows = await this.instances.list({
      definitionKey: query.definitionKey,
      state: query.state,
      initiatorId: query.initiator === 'me' ? principal.userId : query.initiator?.toLowerCase(),
      scope: await this.scopeOf(principal, query.waitingForMe === true),
      after,
      limit: query.top + 1,
    });
    const page = rows.slice(0, query.top);
    const value = page.map(toWorkflowDto);
    const last = page.at(-1);
    if (rows.length <= query.top || !last) return { value };
    const cursor = encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id });
    return { value, nextLink: nextLinkFor(requestUrl, cursor) };
  }

  /** What this caller may do now, and why not for the rest. */
  async available(principal: Principal, id: string): Promise<AvailableTransitionsDto> {
    const { instance, definition, past, request } = await this.access.inContext(
      principal,
      await this.access.visible(principal, id),
    );
    const transitions = availableTransitions(request);
    const { transitions: byName } = indexOf(definition);
    return {
      state: instance.state,
      value: transitions.map(({ name, title, to, decision }) => {
        const required = byName.get(name)?.quorum ?? 1;
        return {
          name,
          ...(title === undefined ? {} : { title }),
          to,
          allowed: decision.allowed,
          ...(decision.allowed ? {} : { reason: decision.reason, detail: decision.detail }),
          // Votes cast in this visit to the state, whoever may vote next.
          ...(required > 1 ? { votes: new Set(idsFor(past.votes, name)).size, required } : {}),
        };
      }),
    };
  }

  async history(principal: Principal, id: string, query: PageQueryDto, requestUrl: string): Promise<HistoryListDto> {
    const after = query.cursor
      ? Number(decodeCursor(query.cursor, { seq: (value) => /^\d{1,9}$/.test(value) }).seq)
      : 0;
    await this.access.visible(principal, id);
    const rows = await this.instances.history(id, after, query.top + 1);
    const page = rows.slice(0, query.top);
    const value = page.map(toHistoryEntryDto);
    const last = page.at(-1);
    if (rows.length <= query.top || !last) return { value };
    return { value, nextLink: nextLinkFor(requestUrl, encodeCursor({ seq: String(last.seq) })) };
  }

  private async definitionToStart(request: StartWorkflowDto): Promise<PublishedDefinition> {
    try {
      return await this.definitions.get(request.definitionKey, request.definitionVersion);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'not_found') throw error;
      const [pointer, what] =
        request.definitionVersion === undefined
          ? ['/body/definitionKey', `no definition ${request.definitionKey}`]
          : ['/body/definitionVersion', `no version ${request.definitionVersion} of ${request.definitionKey}`];
      throw new AppError('validation_failed', `There is ${what}.`, {
        errors: [{ pointer, code: 'unknown_definition', detail: `there is ${what}` }],
      });
    }
  }

  /**
   * Which instances the caller's list may hold (`listScope`), decided in SQL by the rules of every
   * published version (docs/workflows.md "Who may do what"); admins' and auditors' plain list reads
   * no definition.
   */
  private async scopeOf(principal: Principal, waitingForMe: boolean): Promise<ListScope> {
    if (!waitingForMe && seesEverything(principal)) return { kind: 'everything' };
    const versions: DefinitionVersion[] = [];
    for (const { key, version } of await this.instances.definitionVersions()) {
      versions.push({ key, version, definition: (await this.definitions.get(key, version)).definition });
    }
    return listScope(versions, principal, waitingForMe);
  }
}
