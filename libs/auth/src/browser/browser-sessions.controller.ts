import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UuidParam } from '@flowgate/core';
import { Authenticated } from '../decorators/authenticated.decorator';
import { SessionListDto } from './browser-auth.dto';
import { BrowserSessions } from './browser-sessions';

@ApiTags('Users')
@Controller({ path: 'users', version: '1' })
export class BrowserSessionsController {
  constructor(private readonly sessions: BrowserSessions) {}

  @Get(':id/sessions')
  @Authenticated({ role: 'admin' })
  @ApiOperation({
    summary: "List a user's browser sessions",
    description: 'Live browser sessions (no cookies, no tokens). `POST /v1/users/{id}/revoke-sessions` ends them all.',
  })
  @ApiOkResponse({ type: SessionListDto, description: "The user's sessions." })
  async list(@UuidParam('id') id: string): Promise<SessionListDto> {
    return { value: await this.sessions.listForUser(id) };
  }
}
