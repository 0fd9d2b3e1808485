import { Body, Controller, Get, Param, Post, Query, Req } from '@nestjs/common';
import { IsOptional, IsString } from 'class-validator';
import { PageQueryDto } from '../page-query.dto';
import { requestShapeOf } from './request-shape';

class FilterQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString()
  q?: string;
}

@Controller('things')
class ThingsController {
  @Get()
  list(@Query() _query: FilterQueryDto): void {}

  @Get(':id')
  get(@Param('id') _id: string): void {}

  @Get('slow')
  slow(@Query('ms') _ms: string, @Query('unit') _unit: string, @Req() _req: unknown): void {}

  @Post()
  create(@Body() _body: unknown): void {}

  @Post(':id/claim')
  claim(@Param('id') _id: string): void {}

  @Get('loose')
  loose(@Query() _query: Record<string, string>): void {}
}

describe('requestShapeOf', () => {
  it.each<[string, string[], boolean]>([
    ['list', ['cursor', 'q', 'top'], false],
    ['get', [], false],
    ['slow', ['ms', 'unit'], false],
    ['create', [], true],
    ['claim', [], false],
  ])('%s accepts query %j and a body: %s', (method, query, body) => {
    const shape = requestShapeOf(ThingsController, method);
    expect([...shape.query].sort()).toEqual(query);
    expect(shape.body).toBe(body);
  });

  it('refuses @Query() without a DTO class, whose names nothing can list', () => {
    expect(() => requestShapeOf(ThingsController, 'loose')).toThrow(
      /ThingsController\.loose: @Query\(\) needs a DTO class/,
    );
  });
});
