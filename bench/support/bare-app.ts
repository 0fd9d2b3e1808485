import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

@Controller()
class ConstantController {
  @Get('constant')
  constant(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [ConstantController] })
class BareModule {}

/**
 * The floor for any NestJS-on-Express route on this machine: one controller returning a
 * constant, no middleware, guards, logging or database. What the real API's reads are compared to.
 */
export async function startBareApp(): Promise<{ url: string; app: INestApplication }> {
  const app = await NestFactory.create(BareModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  return { url: `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/constant`, app };
}
