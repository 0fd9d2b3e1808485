import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponses, PageQueryDto, Public, RequestUrl } from '@flowgate/core';
import { Authenticated } from '@flowgate/auth';
import { AuditAnchorsService } from './audit-anchors.service';
import { AnchorKeySetDto } from './dto/anchor-key-set.dto';
import { AuditAnchorListDto } from './dto/audit-anchor.dto';

/**
 * Signed anchors of the audit chain and the keys that verify them. Its own controller under
 * `audit-events`, listed before `AuditController` in the module so that these paths are never
 * read as an event id.
 */
@ApiTags('Audit')
@Controller({ path: 'audit-events', version: '1' })
export class AuditAnchorsController {
  constructor(private readonly anchors: AuditAnchorsService) {}

  // Public like any JWKS: a public key proves nothing about who fetched it, and an auditor should
  // be able to fetch it with no account (and keep it: docs/audit.md, "Verifying an export offline").
  @Get('anchor-keys')
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary: 'Public keys of the audit anchors (JWKS)',
    description: 'Every key whose signatures an export may carry, retired ones included. No authentication.',
  })
  @ApiOkResponse({ type: AnchorKeySetDto, description: 'A JSON Web Key Set.' })
  keySet(): Promise<AnchorKeySetDto> {
    return this.anchors.keySet();
  }

  @Get('anchors')
  @Authenticated({ role: 'auditor' })
  @ApiOperation({
    summary: 'List the signed anchors of the chain head',
    description: 'Newest first. Each anchor is a JWS over the chain head (seq, hash) at a moment.',
  })
  @ApiOkResponse({ type: AuditAnchorListDto, description: 'A page of anchors.' })
  @ApiProblemResponses(400)
  list(@Query() query: PageQueryDto, @RequestUrl() url: string): Promise<AuditAnchorListDto> {
    return this.anchors.list(query, url);
  }
}
