import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, type Principal } from '@flowgate/auth';
import {
  ApiProblemResponses,
  CACHE_POLICIES,
  CacheControl,
  HttpReply,
  IfMatch,
  PageQueryDto,
  PublicBaseUrl,
  RequestUrl,
  SendsETag,
  SendsLocation,
  UuidParam,
} from '@flowgate/core';
import { Idempotent } from '@flowgate/traffic';
import { AvailableTransitionsDto } from './dto/available-transition.dto';
import { HistoryListDto } from './dto/history-entry.dto';
import { ListWorkflowsQueryDto } from './dto/list-workflows-query.dto';
import { StartWorkflowDto } from './dto/start-workflow.dto';
import { TransitionRequestDto } from './dto/transition-request.dto';
import { TransitionResultDto } from './dto/transition-result.dto';
import { WorkflowListDto } from './dto/workflow-list.dto';
import { WorkflowDto } from './dto/workflow.dto';
import { WorkflowTransitionsService } from './workflow-transitions.service';
import { WorkflowsService } from './workflows.service';

const WorkflowId = () => UuidParam('id');

@ApiTags('Workflows')
@Controller({ path: 'workflows', version: '1' })
export class WorkflowsController {
  constructor(
    private readonly workflows: WorkflowsService,
    private readonly transitions: WorkflowTransitionsService,
  ) {}

  @Post()
  @Authenticated({ role: 'requester' })
  @Idempotent({ required: true })
  @SendsETag()
  @SendsLocation()
  @ApiOperation({
    summary: 'Start a workflow',
    description:
      "Starts an instance of the definition's latest version (or `definitionVersion`) in its initial state; " +
      "`data` is validated against the definition's `dataSchema`. The instance stays on that version.",
  })
  @ApiCreatedResponse({ type: WorkflowDto, description: 'The new instance; `Location` points at it.' })
  @ApiProblemResponses(400)
  async start(
    @CurrentPrincipal() principal: Principal,
    @Body() request: StartWorkflowDto,
    @Res({ passthrough: true }) res: HttpReply,
    @PublicBaseUrl() base: string,
  ): Promise<WorkflowDto> {
    const workflow = await this.workflows.start(principal, request);
    res.header('Location', `${base}/v1/workflows/${workflow.id}`);
    return workflow;
  }

  @Get()
  @Authenticated()
  @ApiOperation({
    summary: 'List workflows',
    description:
      'The instances you may see (docs: "Who may do what"), newest first, keyset-paged; filter by definition, ' +
      'state, initiator, or "waiting for me".',
  })
  @ApiOkResponse({ type: WorkflowListDto, description: 'A page of instances.' })
  @ApiProblemResponses(400)
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListWorkflowsQueryDto,
    @RequestUrl() url: string,
  ): Promise<WorkflowListDto> {
    return this.workflows.list(principal, query, url);
  }

  @Get(':id')
  @Authenticated()
  @SendsETag()
  @CacheControl(CACHE_POLICIES.revalidate)
  @ApiOperation({
    summary: 'Get a workflow',
    description: 'The response carries an ETag for `If-Match`. An instance you may not see is 404.',
  })
  @ApiOkResponse({ type: WorkflowDto, description: 'The instance.' })
  @ApiProblemResponses(400, 404)
  get(@CurrentPrincipal() principal: Principal, @WorkflowId() id: string): Promise<WorkflowDto> {
    return this.workflows.get(principal, id);
  }

  @Get(':id/available-transitions')
  @Authenticated()
  @ApiOperation({
    summary: 'What I can do now',
    description: 'Every transition leaving the current state, whether you may take it now, and why not.',
  })
  @ApiOkResponse({ type: AvailableTransitionsDto, description: 'The transitions and your standing on each.' })
  @ApiProblemResponses(400, 404)
  available(@CurrentPrincipal() principal: Principal, @WorkflowId() id: string): Promise<AvailableTransitionsDto> {
    return this.workflows.available(principal, id);
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @Authenticated()
  @Idempotent({ required: true })
  @SendsETag()
  @ApiOperation({
    summary: 'Take a transition',
    description:
      'Moves the instance (or records your vote toward a quorum). Roles, step-up, separation of duties and ' +
      "the transition's input schema are checked by the definition; with `If-Match`, a stale ETag is refused.",
  })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag from GET /v1/workflows/{id}.' })
  @ApiOkResponse({ type: TransitionResultDto, description: 'The outcome and the instance after it.' })
  @ApiProblemResponses(400, 404, 409, 412)
  take(
    @CurrentPrincipal() principal: Principal,
    @WorkflowId() id: string,
    @Body() request: TransitionRequestDto,
    @IfMatch() ifMatch: string | undefined,
  ): Promise<TransitionResultDto> {
    return this.transitions.take(principal, id, request, ifMatch);
  }

  @Get(':id/history')
  @Authenticated()
  @ApiOperation({ summary: 'Workflow history', description: 'Its start, every move and every vote, oldest first.' })
  @ApiOkResponse({ type: HistoryListDto, description: 'A page of history.' })
  @ApiProblemResponses(400, 404)
  history(
    @CurrentPrincipal() principal: Principal,
    @WorkflowId() id: string,
    @Query() query: PageQueryDto,
    @RequestUrl() url: string,
  ): Promise<HistoryListDto> {
    return this.workflows.history(principal, id, query, url);
  }
}
