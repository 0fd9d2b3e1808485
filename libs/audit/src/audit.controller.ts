import { Controller, Get, Header, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponses, RequestUrl, UuidParam } from '@flowgate/core';
import { Authenticated } from '@flowgate/auth';
import { AuditQueryService } from './audit-query.service';
import { AuditEventListDto } from './dto/audit-event-list.dto';
import { AuditEventDto } from './dto/audit-event.dto';
import { ChainVerificationDto } from './dto/chain-verification.dto';
import { ListAuditEventsQueryDto } from './dto/list-audit-events-query.dto';
import { TimeRangeQueryDto } from './dto/time-range-query.dto';

@ApiTags('Audit')
@Controller({ path: 'audit-events', version: '1' })
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get()
  @Authenticated({ role: 'auditor' })
  @ApiOperation({
    summary: 'List audit events',
    description: 'Newest first; filter by actor, action, resource, outcome, trace id, time.',
  })
  @ApiOkResponse({ type: AuditEventListDto, description: 'A page of events.' })
  @ApiProblemResponses(400)
  list(@Query() query: ListAuditEventsQueryDto, @RequestUrl() url: string): Promise<AuditEventListDto> {
    return this.audit.list(query, url);
  }

  // Declared before ':id' so that "verify" and "export" are never read as ids.
  @Get('verify')
  @Authenticated({ role: 'auditor' })
  @ApiOperation({
    summary: 'Verify the hash chain',
    description: 'Walks the chain (or a time range of it) and reports the first broken link.',
  })
  @ApiOkResponse({ type: ChainVerificationDto, description: 'The verdict.' })
  @ApiProblemResponses(400)
  verify(@Query() query: TimeRangeQueryDto): Promise<ChainVerificationDto> {
    return this.audit.verify(query);
  }

  @Get('export')
  @Authenticated({ role: 'auditor' })
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Export audit events',
    description: 'NDJSON, chain order, one event per line with seq/prevHash/hash, streamed (any size).',
  })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({
    description: 'One JSON audit event per line.',
    content: { 'application/x-ndjson': { schema: { type: 'string' } } },
  })
  @ApiProblemResponses(400)
  async export(@Query() query: TimeRangeQueryDto): Promise<StreamableFile> {
    return new StreamableFile(await this.audit.export(query), { type: 'application/x-ndjson' });
  }

  @Get(':id')
  @Authenticated({ role: 'auditor' })
  @ApiOperation({ summary: 'Get an audit event' })
  @ApiOkResponse({ type: AuditEventDto, description: 'The event.' })
  @ApiProblemResponses(400, 404)
  get(@UuidParam('id') id: string): Promise<AuditEventDto> {
    return this.audit.get(id);
  }
}
