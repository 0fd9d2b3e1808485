import { Controller, Get, Header, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';
import { LivenessDto } from './liveness.dto';
import { Readiness } from './readiness';
import { ReadinessDto } from './readiness.dto';
import { ExemptFromRateLimits } from '../http/rate-limit.decorators';
import { Public } from '../http/public.decorator';

@Public()
@ExemptFromRateLimits()
@ApiTags('Operations')
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  @Get('live')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Liveness probe', description: 'Answers while the process runs; checks nothing else.' })
  @ApiOkResponse({ type: LivenessDto, description: 'The process is running.' })
  live(): LivenessDto {
    return { status: 'ok' };
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Readiness probe',
    description:
      'Answers 200 while PostgreSQL responds: `ok` when Redis does too, `degraded` (still serving, with ' +
      'per-instance rate limits) when it does not. 503 when PostgreSQL is unreachable or while shutting down.',
  })
  @ApiOkResponse({ type: ReadinessDto, description: 'PostgreSQL answered; `status` says whether Redis did.' })
  @ApiProblemResponses(503)
  ready(): Promise<ReadinessDto> {
    return this.readiness.check();
  }
}
