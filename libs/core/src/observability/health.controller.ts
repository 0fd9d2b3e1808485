import { Controller, Get, Header, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';
import { LivenessDto } from './liveness.dto';
import { Readiness } from './readiness';
import { ReadinessDto } from './readiness.dto';
import { Public } from '../http/public.decorator';

@Public()
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
    description: 'Answers 200 when PostgreSQL and Redis respond, 503 otherwise or while shutting down.',
  })
  @ApiOkResponse({ type: ReadinessDto, description: 'PostgreSQL and Redis answered.' })
  @ApiProblemResponses(503)
  ready(): Promise<ReadinessDto> {
    return this.readiness.check();
  }
}
