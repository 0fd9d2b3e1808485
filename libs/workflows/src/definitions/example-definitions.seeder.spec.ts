import type { FlowgateConfig, NodeEnvironment } from '@flowgate/core';
import type { PinoLogger } from 'nestjs-pino';
import { ExampleDefinitionsSeeder } from './example-definitions.seeder';
import type { WorkflowDefinitionsService } from './workflow-definitions.service';

function seederIn(environment: NodeEnvironment, seed: (document: unknown) => Promise<boolean>) {
  const seeded: string[] = [];
  const warnings: string[] = [];
  const service = {
    seed: async (document: { key: string }) => {
      const result = await seed(document);
      seeded.push(document.key);
      return result;
    },
  } as unknown as WorkflowDefinitionsService;
  const logger = {
    setContext: () => undefined,
    info: () => undefined,
    warn: (_: unknown, message: string) => warnings.push(message),
  } as unknown as PinoLogger;
  const config = { app: { environment } } as FlowgateConfig;
  return { seeder: new ExampleDefinitionsSeeder(config, service, logger), seeded, warnings };
}

describe('ExampleDefinitionsSeeder', () => {
  it('seeds both examples in development', async () => {
    const { seeder, seeded } = seederIn('development', async () => true);
    await seeder.onApplicationBootstrap();
    expect(seeded).toEqual(['purchase-request', 'access-request']);
  });

  it.each<NodeEnvironment>(['test', 'production'])('seeds nothing in %s', async (environment) => {
    const { seeder, seeded } = seederIn(environment, async () => true);
    await seeder.onApplicationBootstrap();
    expect(seeded).toEqual([]);
  });

  it('is content when the examples are there already (seeded before, or by another instance)', async () => {
    const { seeder, seeded, warnings } = seederIn('development', async () => false);
    await expect(seeder.onApplicationBootstrap()).resolves.toBeUndefined();
    expect(seeded).toEqual(['purchase-request', 'access-request']);
    expect(warnings).toEqual([]);
  });

  it('lets the application start when seeding fails, and says so', async () => {
    const { seeder, warnings } = seederIn('development', async () => {
      throw new Error('database unavailable');
    });
    await expect(seeder.onApplicationBootstrap()).resolves.toBeUndefined();
    expect(warnings).toEqual([
      'Could not seed the example workflow "purchase-request"',
      'Could not seed the example workflow "access-request"',
    ]);
  });
});
