// The read-path benchmark's baseline as its own process: bare NestJS on Fastify (the adapter the
// API runs on, ADR 11), one controller returning a constant, no hooks, guards, logging or
// database (what issue 15 names). Plain JavaScript (decorators applied by hand), so that it runs
// on plain Node like the API's build. Prints `listening at <url>` when ready; stops on SIGTERM.
require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');

class ConstantController {
  constant() {
    return { ok: true };
  }
}
Reflect.decorate(
  [Get('constant')],
  ConstantController.prototype,
  'constant',
  Object.getOwnPropertyDescriptor(ConstantController.prototype, 'constant'),
);
Reflect.decorate([Controller()], ConstantController);

class BareModule {}
Reflect.decorate([Module({ controllers: [ConstantController] })], BareModule);

async function main() {
  const app = await NestFactory.create(BareModule, new FastifyAdapter({ logger: false }), { logger: false });
  await app.listen(0, '127.0.0.1');
  process.stdout.write(`listening at ${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/constant\n`);
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
