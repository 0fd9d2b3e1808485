import { Body, Controller, Get, Header, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import {
  ApiProblemResponses,
  CACHE_POLICIES,
  CacheControl,
  HttpReply,
  PageQueryDto,
  PublicBaseUrl,
  RequestUrl,
  SendsETag,
  SendsLocation,
  SensitiveRateLimit,
} from '@flowgate/core';
import { Authenticated, CurrentPrincipal, type Principal } from '@flowgate/auth';
import { Idempotent } from '@flowgate/traffic';
import { DefinitionDocumentDto } from './dto/definition-document.dto';
import { DefinitionKeyParamsDto } from './dto/definition-key-params.dto';
import { DefinitionVersionParamsDto } from './dto/definition-version-params.dto';
import { WorkflowDefinitionListDto } from './dto/workflow-definition-list.dto';
import { WorkflowDefinitionDto } from './dto/workflow-definition.dto';
import { WorkflowDefinitionsService } from './workflow-definitions.service';

@ApiTags('Workflow definitions')
@Controller({ path: 'workflow-definitions', version: '1' })
export class WorkflowDefinitionsController {
  constructor(private readonly definitions: WorkflowDefinitionsService) {}

  @Post()
  @Authenticated({ role: 'admin', stepUp: true })
  @SensitiveRateLimit()
  @Idempotent({ required: false })
  @SendsETag()
  @SendsLocation()
  @ApiOperation({
    summary: 'Publish a workflow definition',
    description:
      'Validates the document (docs/workflows.md) and publishes it as version 1 of a new key, or as the next ' +
      'version of an existing one. A 400 lists every violation, each with a pointer into the body.',
  })
  @ApiBody({ type: DefinitionDocumentDto, description: 'The definition document.' })
  @ApiCreatedResponse({ type: WorkflowDefinitionDto, description: 'The published version; `Location` points at it.' })
  @ApiProblemResponses(400, 409)
  async publish(
    @CurrentPrincipal() actor: Principal,
    // A plain object on purpose: the validation pipe would strip or refuse it before the
    // definition validator could report every violation with its pointer.
    @Body() document: unknown,
    @Res({ passthrough: true }) res: HttpReply,
    @PublicBaseUrl() base: string,
  ): Promise<WorkflowDefinitionDto> {
    const published = await this.definitions.publish(actor, document);
    res.header('Location', `${base}/v1/workflow-definitions/${published.key}/versions/${published.version}`);
    return published;
  }

  @Get()
  @Authenticated()
  @ApiOperation({
    summary: 'List workflow definitions',
    description: 'The latest version of each definition, without its states and transitions; paged by key.',
  })
  @ApiOkResponse({ type: WorkflowDefinitionListDto, description: 'A page of definitions.' })
  @ApiProblemResponses(400)
  list(@Query() query: PageQueryDto, @RequestUrl() url: string): Promise<WorkflowDefinitionListDto> {
    return this.definitions.list(query, url);
  }

  @Get(':key')
  @Authenticated()
  @SendsETag()
  @CacheControl(CACHE_POLICIES.revalidate)
  @ApiOperation({ summary: 'Get the latest version of a workflow definition' })
  @ApiOkResponse({ type: WorkflowDefinitionDto, description: 'The latest version, in full.' })
  @ApiProblemResponses(400, 404)
  getLatest(@Param() { key }: DefinitionKeyParamsDto): Promise<WorkflowDefinitionDto> {
    return this.definitions.get(key);
  }

  @Get(':key/versions/:version')
  @Authenticated()
  @SendsETag()
  @CacheControl(CACHE_POLICIES.immutable)
  @ApiOperation({ summary: 'Get a version of a workflow definition', description: 'Versions never change.' })
  @ApiOkResponse({ type: WorkflowDefinitionDto, description: 'The version, in full.' })
  @ApiProblemResponses(400, 404)
  getVersion(@Param() { key, version }: DefinitionVersionParamsDto): Promise<WorkflowDefinitionDto> {
    return this.definitions.get(key, version);
  }

  @Get(':key/versions/:version/diagram')
  @Authenticated()
  @CacheControl(CACHE_POLICIES.immutable)
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiOperation({
    summary: 'Get a version as a diagram',
    description: 'A Mermaid `stateDiagram-v2`, to paste into any Mermaid viewer.',
  })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'The Mermaid source.',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  @ApiProblemResponses(400, 404)
  diagram(@Param() { key, version }: DefinitionVersionParamsDto): Promise<string> {
    return this.definitions.diagram(key, version);
  }
}
