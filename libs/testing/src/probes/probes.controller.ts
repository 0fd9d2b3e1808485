import { Body, Controller, Get, Post, Query, Req, StreamableFile } from '@nestjs/common';
import { Readable } from 'node:stream';
import { HttpRequest, Public } from '@flowgate/core';
import { PinoLogger } from 'nestjs-pino';
import { EchoRequestDto } from './echo-request.dto';

/**
 * Test-only endpoints that trigger the error paths the real API must handle (validation, an
 * unexpected exception, a slow handler) through the real pipeline. Never part of the app module.
 */
@Public()
@Controller({ path: 'probes', version: '1' })
export class ProbesController {
  constructor(private readonly logger: PinoLogger) {
    this.logger.setContext(ProbesController.name);
  }

  /** Logs after an await, so a test can check the line still carries the request's id. */
  @Post('echo')
  async echo(@Body() body: EchoRequestDto): Promise<EchoRequestDto> {
    await new Promise((resolve) => setImmediate(resolve));
    this.logger.info('Echo received');
    return body;
  }

  @Get('explode')
  explode(): never {
    throw new Error('database password is hunter2');
  }

  @Get('slow')
  async slow(@Query('ms') ms = '200'): Promise<{ waitedMs: number }> {
    // unref: a test that cuts this request mid-way must not keep jest waiting for the timer.
    await new Promise((resolve) => setTimeout(resolve, Number(ms)).unref());
    return { waitedMs: Number(ms) };
  }

  /** `lines` NDJSON lines, `ms` apart: a streamed answer that may outlive the request timeout. */
  @Get('stream')
  stream(@Query('lines') lines = '3', @Query('ms') ms = '100'): StreamableFile {
    async function* produce(): AsyncGenerator<string> {
      for (let line = 1; line <= Number(lines); line += 1) {
        yield `${JSON.stringify({ line })}\n`;
        await new Promise((resolve) => setTimeout(resolve, Number(ms)).unref());
      }
    }
    return new StreamableFile(Readable.from(produce()), { type: 'application/x-ndjson' });
  }

  @Get('client')
  client(@Req() req: HttpRequest): { ip: string | undefined; protocol: string } {
    return { ip: req.ip, protocol: req.protocol };
  }
}
