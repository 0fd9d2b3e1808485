import { Controller, Get, Param, Query, Res, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@flowgate/auth';
import { AppError, type HttpReply } from '@flowgate/core';
import { AppPageFiles } from './app-page-files';
import { AppPageQueryDto } from './app-page-query.dto';

/**
 * The inbox page (`apps/inbox-page`): static files, public because the page itself holds no data;
 * everything it shows comes from the API under the person's session. Outside the OpenAPI
 * contract, which describes the API. `no-cache`: a new build is picked up on the next load.
 */
@ApiExcludeController()
@Public()
@Controller({ path: 'app', version: VERSION_NEUTRAL })
export class AppPageController {
  constructor(private readonly files: AppPageFiles) {}

  @Get()
  page(@Query() _query: AppPageQueryDto, @Res({ passthrough: true }) reply: HttpReply): Promise<Buffer> {
    return this.serve('index.html', reply);
  }

  @Get('assets/:name')
  asset(@Param('name') name: string, @Res({ passthrough: true }) reply: HttpReply): Promise<Buffer> {
    return this.serve(name, reply);
  }

  private async serve(name: string, reply: HttpReply): Promise<Buffer> {
    const file = await this.files.get(name);
    if (!file) throw new AppError('not_found', 'No such file; the inbox page is built by `npm run build:inbox`.');
    reply.header('Content-Type', file.contentType);
    reply.header('Cache-Control', 'no-cache');
    return file.body;
  }
}
