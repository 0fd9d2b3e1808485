import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { flowgateSettingNames, REPOSITORY_ROOT, repositoryFile } from '../testing/flowgate-sources';

/**
 * The Bicep CLI is a .NET program that no registry this project uses ships, so the templates are
 * not compiled here (the delivery workflow's what-if is their first compilation). What can be
 * checked from the text is checked: parameters declared, passed and used; module paths; the
 * environments' parameter files; the settings against Flowgate's configuration; secrets only as
 * Key Vault references; the slot, health check, identities and TLS the issue asks for.
 */
const AZURE = 'deploy/azure';
const SECRET_SETTINGS = ['DATABASE_URL', 'REDIS_URL', 'WEBHOOK_SECRETS_KEY', 'AUDIT_ANCHOR_SIGNING_KEY'];
/** App Service's own settings (read by the platform, not by Flowgate). */
const PLATFORM_SETTINGS = ['WEBSITES_PORT', 'WEBSITES_ENABLE_APP_SERVICE_STORAGE'];

interface Parameter {
  name: string;
  required: boolean;
  secure: boolean;
}

const bicep = (path: string) => repositoryFile(join(AZURE, path));

function parametersOf(text: string): Parameter[] {
  return [...text.matchAll(/^((?:@\w+\([^\n]*\)\n)*)param (\w+) \w+( = .+)?$/gm)].map(
    ([, decorators, name, value]) => ({
      name,
      required: value === undefined,
      secure: decorators.includes('@secure()'),
    }),
  );
}

/** `module x 'path' = { … params: { key: … } }`, by the two-space indentation of the files. */
function modulesOf(text: string): { path: string; passed: string[] }[] {
  return [...text.matchAll(/^module \w+ '([^']+)' = \{\n([\s\S]*?)^\}/gm)].map(([, path, body]) => ({
    path,
    passed: [...body.matchAll(/^ {4}(\w+):/gm)].map(([, key]) => key),
  }));
}

function objectKeys(text: string, variable: string): Map<string, string> {
  const body = new RegExp(`^var ${variable} = \\{\\n([\\s\\S]*?)^\\}`, 'm').exec(text)?.[1];
  if (!body) throw new Error(`no var ${variable} in the template`);
  return new Map([...body.matchAll(/^ {2}(\w+): (.+)$/gm)].map(([, key, value]) => [key, value]));
}

const main = bicep('main.bicep');
const webApp = bicep('modules/web-app.bicep');
const files = [
  'main.bicep',
  ...readdirSync(join(REPOSITORY_ROOT, AZURE, 'modules')).map((file) => `modules/${file}`),
  ...readdirSync(join(REPOSITORY_ROOT, AZURE, 'parameters')).map((file) => `parameters/${file}`),
];

describe('deploy/azure (Bicep)', () => {
  it.each(files)('%s has balanced brackets and an even number of quotes', (file) => {
    // Interpolations ('${f('x')}') nest quotes and brackets, so both are counted across strings.
    const code = bicep(file)
      .replace(/^\s*\/\/.*$/gm, '')
      .replace(/\\'/g, '');
    expect(code.split("'").length % 2).toBe(1);
    const depth = { '{': 0, '[': 0, '(': 0 };
    const closing: Record<string, keyof typeof depth> = { '}': '{', ']': '[', ')': '(' };
    for (const char of code) {
      if (char in depth) depth[char as keyof typeof depth] += 1;
      if (char in closing) expect((depth[closing[char]] -= 1)).toBeGreaterThanOrEqual(0);
    }
    expect(depth).toEqual({ '{': 0, '[': 0, '(': 0 });
  });

  it.each(files.filter((file) => file.endsWith('.bicep')))('%s uses every parameter it declares', (file) => {
    const text = bicep(file);
    const unused = parametersOf(text).filter(
      ({ name }) => text.split(/\n/).filter((line) => new RegExp(`\\b${name}\\b`).test(line)).length < 2,
    );
    expect(unused).toEqual([]);
  });

  it.each(files.filter((file) => file.endsWith('.bicep')))(
    '%s passes each module exactly the parameters it declares, every required one',
    (file) => {
      for (const { path, passed } of modulesOf(bicep(file))) {
        const target = join(dirname(file), path);
        expect([path, existsSync(join(REPOSITORY_ROOT, AZURE, target))]).toEqual([path, true]);
        const declared = parametersOf(bicep(target));
        expect([path, passed.filter((key) => !declared.some(({ name }) => name === key))]).toEqual([path, []]);
        expect([path, declared.filter((p) => p.required && !passed.includes(p.name)).map((p) => p.name)]).toEqual([
          path,
          [],
        ]);
      }
    },
  );

  it.each(['staging', 'production'])(
    'parameters/%s.bicepparam sets declared parameters, every required one',
    (name) => {
      const text = bicep(`parameters/${name}.bicepparam`);
      expect(text).toMatch(/^using '\.\.\/main\.bicep'$/m);
      const assigned = [...text.matchAll(/^param (\w+) = /gm)].map(([, key]) => key);
      const declared = parametersOf(main);
      expect(assigned.filter((key) => !declared.some((p) => p.name === key))).toEqual([]);
      expect(declared.filter((p) => p.required && !assigned.includes(p.name)).map((p) => p.name)).toEqual([]);
      expect(text).toContain(`param environmentName = '${name}'`);
    },
  );

  it("sets only settings Flowgate reads (and App Service's own), never migrating on start", () => {
    const settings = objectKeys(main, 'flowgateSettings');
    const known = flowgateSettingNames();
    expect([...settings.keys()].filter((name) => !known.has(name))).toEqual([]);
    for (const setting of ['TRUST_PROXY', 'PUBLIC_BASE_URL', 'AUTH_ENTRA_TENANT_IDS', 'AUTH_AUDIENCES']) {
      expect(settings.has(setting)).toBe(true);
    }
    expect(settings.get('DATABASE_MIGRATIONS_RUN')).toBe("'false'");
    const platform = [...webApp.matchAll(/^ {6}(WEBSITES_\w+):/gm)].map(([, name]) => name);
    expect(platform).toEqual(PLATFORM_SETTINGS);
  });

  it('holds secrets as Key Vault references only: no secret value or secure parameter in an app setting', () => {
    const settings = objectKeys(main, 'flowgateSettings');
    for (const name of SECRET_SETTINGS) {
      expect([name, settings.get(name)]).toEqual([
        name,
        expect.stringMatching(/^'@Microsoft\.KeyVault\(VaultName=\$\{vault\.outputs\.name\};SecretName=[a-z-]+\)'$/),
      ]);
    }
    const secureParameters = parametersOf(main).filter((p) => p.secure);
    expect(secureParameters.map((p) => p.name)).toEqual(['postgresAdministratorPassword']);
    for (const value of settings.values()) expect(value).not.toContain('postgresAdministratorPassword');
    expect(main).not.toMatch(/^output .*[Pp]assword/m);
  });

  it('runs the API and the worker as container web apps with a staging slot, health check, managed identity and HTTPS only', () => {
    expect(modulesOf(main).filter(({ path }) => path === 'modules/web-app.bicep')).toHaveLength(2);
    expect(webApp).toMatch(
      /resource staging 'Microsoft\.Web\/sites\/slots@[\d-]+' = \{\n {2}parent: app\n {2}name: 'staging'/,
    );
    expect(webApp).toContain("healthCheckPath: '/health/ready'");
    expect(webApp.match(/identity: \{ type: 'SystemAssigned' \}/g)).toHaveLength(2);
    expect(webApp.match(/httpsOnly: true/g)).toHaveLength(2);
    expect(main).toContain("startupCommand: 'node dist/apps/worker/apps/worker/src/main.js'");
  });

  it('reaches Redis over TLS only and PostgreSQL with certificate verification', () => {
    const redis = bicep('modules/redis.bicep');
    expect(redis).toContain('enableNonSslPort: false');
    expect(redis).toContain("minimumTlsVersion: '1.2'");
    expect(redis).toContain("'rediss://");
    expect(objectKeys(main, 'flowgateSettings').get('DATABASE_SSL')).toBe("'verify-full'");
  });
});
