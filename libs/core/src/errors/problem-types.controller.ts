import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';
import { ProblemTypeListDto } from './problem-type-list.dto';
import { ProblemTypeDto } from './problem-type.dto';
import { ProblemTypes } from './problem-types';
import { Public } from '../http/public.decorator';
import { CACHE_POLICIES, CacheControl } from '../http/cache-control';

@Public()
@ApiTags('Problem types')
@Controller({ path: 'problem-types', version: '1' })
export class ProblemTypesController {
  constructor(private readonly problemTypes: ProblemTypes) {}

  @Get()
  @CacheControl(CACHE_POLICIES.public)
  @ApiOperation({ summary: 'List problem types', description: 'Every error code the API can answer with.' })
  @ApiOkResponse({ type: ProblemTypeListDto, description: 'The whole catalogue.' })
  list(): ProblemTypeListDto {
    return this.problemTypes.list();
  }

  @Get(':code')
  @CacheControl(CACHE_POLICIES.public)
  @ApiOperation({ summary: 'Get a problem type' })
  @ApiOkResponse({ type: ProblemTypeDto, description: 'The problem type.' })
  @ApiProblemResponses(404)
  get(@Param('code') code: string): ProblemTypeDto {
    return this.problemTypes.get(code);
  }
}
