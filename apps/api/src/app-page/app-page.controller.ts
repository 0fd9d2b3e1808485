import { Controller, Get, Param, Query, Res, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@flowgate/auth';
import { AppError, type HttpReply } from '@flowgate/core';
import { AppPageFiles, MERMAID_CHUNKS_DIR, MERMAID_DIR, type PageFile } from './app-page-files';
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

  /** Mermaid's entry module, loaded by the page when it draws a diagram. */
  @Get('assets/mermaid/:name')
  mermaid(@Param('name') name: string, @Res({ passthrough: true }) reply: HttpReply): Promise<Buffer> {
    return this.send(this.files.mermaid(MERMAID_DIR, name), reply, 'no-cache');
  }

  /** Mermaid's chunks: their names carry a hash of their content, so a browser may keep them. */
  @Get('assets/mermaid/chunks/mermaid.esm.min/:name')
  mermaidChunk(@Param('name') name: string, @Res({ passthrough: true }) reply: HttpReply): Promise<Buffer> {
    return this.send(this.files.mermaid(MERMAID_CHUNKS_DIR, name), reply, 'public, max-age=31536000, immutable');
  }

  private serve(name: string, reply: HttpReply): Promise<Buffer> {
    return this.send(this.files.get(name), reply, 'no-cache');
  }

  private async send(found: Promise<PageFile | undefined>, reply: HttpReply, cacheControl: string): Promise<Buffer> {
    const file = await found;
    if (!file) throw new AppError('not_found', 'No such file; the inbox page is built by `npm run build:inbox`.');
    reply.header('Content-Type', file.contentType);
    reply.header('Cache-Control', cacheControl);
    return file.body;
  }
}
