import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import {
  ApiProblemResponses,
  CACHE_POLICIES,
  CacheControl,
  IfMatch,
  RequestUrl,
  SendsETag,
  SensitiveRateLimit,
  UuidParam,
} from '@flowgate/core';
import { Authenticated, CurrentPrincipal, ROLES, type Principal, type Role } from '@flowgate/auth';
import { Idempotent } from '@flowgate/traffic';
import { ListUsersQueryDto } from './dto/list-users-query.dto';
import { RevokedSessionsDto } from './dto/revoked-sessions.dto';
import { RoleGrantDto } from './dto/role-grant.dto';
import { UpdateUserDto } from './dto/update-user.dto';
import { UserListDto } from './dto/user-list.dto';
import { UserDto } from './dto/user.dto';
import { RoleParamPipe } from './role-param.pipe';
import { UserAccessService } from './user-access.service';
import { UsersService } from './users.service';

const UserId = () => UuidParam('id');

@ApiTags('Users')
@Controller({ path: 'users', version: '1' })
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly access: UserAccessService,
  ) {}

  @Get()
  @Authenticated({ role: 'admin' })
  @ApiOperation({ summary: 'List users', description: 'Filter by status, role and text; keyset-paged.' })
  @ApiOkResponse({ type: UserListDto, description: 'A page of users.' })
  @ApiProblemResponses(400)
  list(@Query() query: ListUsersQueryDto, @RequestUrl() url: string): Promise<UserListDto> {
    return this.users.list(query, url);
  }

  @Get(':id')
  @Authenticated({ role: 'admin' })
  @SendsETag()
  @CacheControl(CACHE_POLICIES.revalidate)
  @ApiOperation({ summary: 'Get a user', description: 'The response carries an ETag for `If-Match`.' })
  @ApiOkResponse({ type: UserDto, description: 'The user.' })
  @ApiProblemResponses(400, 404)
  get(@UserId() id: string): Promise<UserDto> {
    return this.users.get(id);
  }

  @Patch(':id')
  @Authenticated({ role: 'admin', stepUp: true })
  @SensitiveRateLimit()
  @SendsETag()
  @ApiOperation({ summary: 'Suspend or reactivate a user', description: 'Requires If-Match; not on yourself.' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag from GET /v1/users/{id}.' })
  @ApiOkResponse({ type: UserDto, description: 'The updated user.' })
  @ApiProblemResponses(400, 404, 409, 412, 428)
  update(
    @CurrentPrincipal() actor: Principal,
    @UserId() id: string,
    @Body() change: UpdateUserDto,
    @IfMatch() ifMatch: string | undefined,
  ): Promise<UserDto> {
    return this.access.update(actor, id, change, ifMatch);
  }

  @Put(':id/role-grants/:role')
  @Authenticated({ role: 'admin', stepUp: true })
  @SensitiveRateLimit()
  @ApiOperation({ summary: 'Grant a role', description: 'Idempotent. Only roles you hold; not to yourself.' })
  @ApiParam({ name: 'role', enum: ROLES })
  @ApiOkResponse({ type: RoleGrantDto, description: 'The grant.' })
  @ApiProblemResponses(400, 404)
  grant(
    @CurrentPrincipal() actor: Principal,
    @UserId() id: string,
    @Param('role', RoleParamPipe) role: Role,
  ): Promise<RoleGrantDto> {
    return this.access.grant(actor, id, role);
  }

  @Delete(':id/role-grants/:role')
  @HttpCode(204)
  @Authenticated({ role: 'admin', stepUp: true })
  @SensitiveRateLimit()
  @ApiOperation({ summary: 'Remove a granted role', description: 'Idempotent. Not from yourself.' })
  @ApiParam({ name: 'role', enum: ROLES })
  @ApiNoContentResponse({ description: 'The grant is gone.' })
  @ApiProblemResponses(400, 404)
  revoke(
    @CurrentPrincipal() actor: Principal,
    @UserId() id: string,
    @Param('role', RoleParamPipe) role: Role,
  ): Promise<void> {
    return this.access.revoke(actor, id, role);
  }

  @Post(':id/revoke-sessions')
  @HttpCode(200)
  @Authenticated({ role: 'admin', stepUp: true })
  @SensitiveRateLimit()
  @Idempotent({ required: false })
  @ApiOperation({
    summary: 'Revoke sessions',
    description: 'Every token issued to the user before now is rejected on every instance.',
  })
  @ApiOkResponse({ type: RevokedSessionsDto, description: 'The revocation time.' })
  @ApiProblemResponses(400, 404)
  revokeSessions(@CurrentPrincipal() actor: Principal, @UserId() id: string): Promise<RevokedSessionsDto> {
    return this.access.revokeSessions(actor, id);
  }
}
