import { parse } from 'yaml';
import { repositoryFile } from '../testing/flowgate-sources';

/**
 * The continuous delivery workflows (.github/workflows/deploy.yml and the per-environment
 * deploy-environment.yml it calls): what the issue asks of them, in the order it matters.
 * action-validator checks their syntax (`npm run ci:workflow-lint`); no run reaches Azure here.
 */
interface Step {
  name: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | boolean>;
}

interface Job {
  needs?: string | string[];
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  steps?: Step[];
}

interface Workflow {
  on: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const DEPLOY = '.github/workflows/deploy.yml';
const ENVIRONMENT = '.github/workflows/deploy-environment.yml';
const workflow = (path: string) => parse(repositoryFile(path)) as Workflow;
const deploy = workflow(DEPLOY);
const environment = workflow(ENVIRONMENT);
const steps = environment.jobs.deploy.steps!;

function indexOf(name: RegExp): number {
  const index = steps.findIndex((step) => name.test(step.name));
  if (index === -1) throw new Error(`no step named like ${String(name)} in ${ENVIRONMENT}`);
  return index;
}

describe('continuous delivery (deploy.yml, deploy-environment.yml)', () => {
  it('runs on a release tag or a manual dispatch', () => {
    expect(deploy.on.push).toEqual({ tags: ['v*'] });
    expect(deploy.on.workflow_dispatch.inputs.environment.options).toEqual(['staging', 'production']);
  });

  it('logs in to Azure with OpenID Connect only: id-token permission, no client secret, no stored cloud secret', () => {
    const logins = [...deploy.jobs.build.steps!, ...steps].filter((step) => step.uses?.startsWith('azure/login@'));
    expect(logins).toHaveLength(2);
    for (const login of logins)
      expect(Object.keys(login.with!).sort()).toEqual(['client-id', 'subscription-id', 'tenant-id']);
    expect(deploy.jobs.build.permissions!['id-token']).toBe('write');
    expect(environment.permissions!['id-token']).toBe('write');
    for (const caller of ['staging', 'production']) expect(deploy.jobs[caller].permissions!['id-token']).toBe('write');
    for (const path of [DEPLOY, ENVIRONMENT]) {
      expect(repositoryFile(path)).not.toMatch(/client-secret|creds:|secrets\.AZURE/);
    }
  });

  it('pushes the image and deploys it by digest', () => {
    const push = deploy.jobs.build.steps!.find((step) => step.id === 'push')!;
    expect([push.uses, push.with!.push]).toEqual(['docker/build-push-action@v6', true]);
    expect(deploy.jobs.staging.with!.digest).toBe('${{ needs.build.outputs.digest }}');
    expect(repositoryFile(ENVIRONMENT)).toContain('IMAGE: flowgate@${{ inputs.digest }}');
  });

  it("goes to staging first, then to production, which waits for its environment's reviewers", () => {
    expect([deploy.jobs.staging.uses, deploy.jobs.staging.with!.environment]).toEqual([`./${ENVIRONMENT}`, 'staging']);
    expect([deploy.jobs.production.uses, deploy.jobs.production.with!.environment]).toEqual([
      `./${ENVIRONMENT}`,
      'production',
    ]);
    expect(deploy.jobs.production.needs).toContain('staging');
    expect(environment.jobs.deploy.environment).toEqual(expect.objectContaining({ name: '${{ inputs.environment }}' }));
  });

  it('runs what-if, deploys the infrastructure, migrates, deploys to the slot, smoke-tests, swaps, checks, in that order', () => {
    const order = [
      /^What-if/,
      /^Deploy the infrastructure/,
      /^Run migrations/,
      /^Deploy the image to the staging slots/,
      /^Smoke-test the staging slot/,
      /^Swap the staging slots/,
      /^Check production after the swap/,
      /^Roll back/,
    ].map(indexOf);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('deploys to the staging slot, never straight to production', () => {
    const slotDeploy = steps[indexOf(/^Deploy the image to the staging slots/)].run!;
    expect(slotDeploy).toContain('--slot staging');
    const setsImage = steps.filter((step) => step.run?.includes('container set'));
    expect(setsImage.every((step) => step.run!.includes('--slot staging'))).toBe(true);
    expect(steps[indexOf(/^Deploy the infrastructure/)].run).toContain(
      'runningImage="${{ steps.running.outputs.image }}"',
    );
  });

  it('smoke-tests readiness and an authenticated call on the slot and again after the swap', () => {
    const smokeTest = repositoryFile('scripts/smoke-test.sh');
    expect(smokeTest).toContain('/health/ready');
    expect(smokeTest).toContain('Authorization: Bearer');
    expect(steps[indexOf(/^Smoke-test the staging slot/)].run).toMatch(/^scripts\/smoke-test\.sh .*apiStagingUrl/);
    expect(steps[indexOf(/^Check production after the swap/)].run).toMatch(/^scripts\/smoke-test\.sh .*apiUrl/);
  });

  it('swaps back when production fails its check after the swap', () => {
    const rollback = steps[indexOf(/^Roll back/)];
    expect(rollback.if).toBe("failure() && steps.swap.outcome == 'success' && steps.check.outcome == 'failure'");
    expect(rollback.run).toContain('slot swap');
    expect(steps[indexOf(/^Swap the staging slots/)].id).toBe('swap');
    expect(steps[indexOf(/^Check production after the swap/)].id).toBe('check');
  });

  it('runs migrations from the new image with the migration entry point, secrets masked', () => {
    const migrate = steps[indexOf(/^Run migrations/)].run!;
    expect(migrate).toContain('node dist/apps/api/apps/api/src/cli/migrate.js');
    expect(migrate).toContain('$REGISTRY.azurecr.io/$IMAGE');
    expect(migrate).toContain('::add-mask::$database_url');
    expect(migrate).toContain('--secure-environment-variables');
    // Production's configuration is validated in full: these are what it requires of the release step.
    for (const setting of ['NODE_ENV=production', 'PUBLIC_BASE_URL=', 'DATABASE_URL=', 'REDIS_URL=']) {
      expect(migrate).toContain(setting);
    }
  });
});
