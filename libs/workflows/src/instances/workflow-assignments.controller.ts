import { Body, Controller, Delete, HttpCode, Post, Put } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, type Principal } from '@flowgate/auth';
import { ApiProblemResponses, IfMatch, SendsETag, UuidParam } from '@flowgate/core';
import { Idempotent } from '@flowgate/traffic';
import { DelegateRequestDto } from './dto/delegate-request.dto';
import { WorkflowDto } from './dto/workflow.dto';
import { WorkflowAssignmentsService } from './workflow-assignments.service';

const WorkflowId = () => UuidParam('id');
const IfMatchHeader = () =>
  ApiHeader({ name: 'If-Match', required: false, description: 'The ETag from GET /v1/workflows/{id}.' });

/** Who is assigned to an instance (docs/workflows.md "Assignment"). */
@ApiTags('Workflows')
@Controller({ path: 'workflows/:id', version: '1' })
export class WorkflowAssignmentsController {
  constructor(private readonly assignments: WorkflowAssignmentsService) {}

  @Put('assignees/:userId')
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: 'Assign someone',
    description:
      'Assigns a user who, assigned, could take a transition out of the current state (409 `not_eligible` ' +
      'otherwise). Assigning someone already assigned changes nothing. A move to another state ends every assignment.',
  })
  @IfMatchHeader()
  @SendsETag()
  @ApiOkResponse({ type: WorkflowDto, description: 'The instance with its assignees.' })
  @ApiProblemResponses(400, 404, 409, 412)
  assign(
    @CurrentPrincipal() principal: Principal,
    @WorkflowId() id: string,
    @UuidParam('userId') userId: string,
    @IfMatch() ifMatch: string | undefined,
  ): Promise<WorkflowDto> {
    return this.assignments.assign(principal, id, userId, ifMatch);
  }

  @Delete('assignees/:userId')
  @Authenticated()
  @ApiOperation({
    summary: 'Unassign someone',
    description: 'Admins unassign anyone; an assignee may unassign themself. Unassigning someone not assigned changes nothing.', // prettier-ignore
  })
  @IfMatchHeader()
  @SendsETag()
  @ApiOkResponse({ type: WorkflowDto, description: 'The instance with its assignees.' })
  @ApiProblemResponses(400, 403, 404, 412)
  unassign(
    @CurrentPrincipal() principal: Principal,
    @WorkflowId() id: string,
    @UuidParam('userId') userId: string,
    @IfMatch() ifMatch: string | undefined,
  ): Promise<WorkflowDto> {
    return this.assignments.unassign(principal, id, userId, ifMatch);
  }

  @Post('claim')
  @HttpCode(200)
  @Authenticated()
  @Idempotent({ required: true })
  @ApiOperation({
    summary: 'Claim it',
    description:
      'Assigns you, when nobody is assigned yet (409 `already_assigned`) and you, assigned, could take a ' +
      'transition out of the current state (409 `not_eligible`). Of two people claiming at once, one wins.',
  })
  @IfMatchHeader()
  @SendsETag()
  @ApiOkResponse({ type: WorkflowDto, description: 'The instance, assigned to you.' })
  @ApiProblemResponses(404, 412)
  claim(
    @CurrentPrincipal() principal: Principal,
    @WorkflowId() id: string,
    @IfMatch() ifMatch: string | undefined,
  ): Promise<WorkflowDto> {
    return this.assignments.claim(principal, id, ifMatch);
  }

  @Post('delegate')
  @HttpCode(200)
  @Authenticated()
  @Idempotent({ required: true })
  @ApiOperation({
    summary: 'Hand it over',
    description:
      'An assignee (403 `assignee_only` otherwise) hands their assignment to another user who, assigned, could ' +
      'take a transition out of the current state (409 `not_eligible`).',
  })
  @IfMatchHeader()
  @SendsETag()
  @ApiOkResponse({ type: WorkflowDto, description: 'The instance, assigned to the new person.' })
  @ApiProblemResponses(403, 404, 412)
  delegate(
    @CurrentPrincipal() principal: Principal,
    @WorkflowId() id: string,
    @Body() request: DelegateRequestDto,
    @IfMatch() ifMatch: string | undefined,
  ): Promise<WorkflowDto> {
    return this.assignments.delegate(principal, id, request, ifMatch);
  }
}
