import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { flowgateSettingNames, REPOSITORY_ROOT, repositoryFile } from '../testing/flowgate-sources';
import { localTool, runTool } from '../testing/local-tool';

/**
 * The Kustomize overlays rendered by `kubectl kustomize` (offline), validated against the
 * Kubernetes schemas, then held to the policy a platform team would enforce with an admission
 * controller, and checked for references that only a cluster would otherwise reveal.
 */
/** Parsed YAML, whose shape the schema validation below checks, not the compiler. */
type Rendered = any; // eslint-disable-line @typescript-eslint/no-explicit-any

interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec?: Rendered;
  data?: Record<string, string>;
}

interface Probe {
  httpGet?: { path: string };
}

const KUBECTL = localTool('kubectl', 'apt-get install -y kubernetes-client');
const OVERLAYS = ['development', 'production'];
const DRAIN_MARGIN_SECONDS = 5;

const rendered = new Map<string, KubernetesObject[]>();

function render(overlay: string): KubernetesObject[] {
  if (!rendered.has(overlay)) {
    const yaml = runTool(KUBECTL, ['kustomize', join('deploy', 'kubernetes', 'overlays', overlay)]);
    rendered.set(
      overlay,
      parseAllDocuments(yaml).map((document) => document.toJS() as KubernetesObject),
    );
  }
  return rendered.get(overlay)!;
}

/** A Deployment with a port given by name where the schema wants a number: must be refused. */
function wronglyTyped(): KubernetesObject {
  const broken = structuredClone(render('production').find((object) => object.kind === 'Deployment')!);
  broken.metadata.name = 'wrongly-typed';
  broken.spec.template.spec.containers[0].ports[0].containerPort = 'http';
  return broken;
}

/**
 * The problems of every object, by overlay, from one run of the validator (it loads every schema,
 * which takes seconds). Kustomize folds long Secret values over lines, which Kubernetes' base64
 * decoding ignores and the schema's `byte` format does not: they are unfolded first.
 */
const schemaProblems = ((): Map<string, string[]> => {
  const batches = [
    ...OVERLAYS.map((overlay) => [overlay, render(overlay)] as const),
    ['wrongly typed', [wronglyTyped()]] as const,
  ];
  const unfolded = batches.map(
    ([label, objects]) =>
      [
        label,
        objects.map((object) =>
          object.kind === 'Secret' && object.data
            ? {
                ...object,
                data: Object.fromEntries(
                  Object.entries(object.data).map(([key, value]) => [key, value.replace(/\s/g, '')]),
                ),
              }
            : object,
        ),
      ] as const,
  );
  const output = execFileSync('node', [join(REPOSITORY_ROOT, 'deploy', 'testing', 'kubernetes-schemas.mjs')], {
    input: JSON.stringify(unfolded.map(([label, objects]) => ({ label, objects }))),
    encoding: 'utf8',
  });
  return new Map(Object.entries(JSON.parse(output) as Record<string, string[]>));
})();

describe.each(OVERLAYS)('deploy/kubernetes/overlays/%s', (overlay) => {
  const objects = render(overlay);
  const byKind = (kind: string) => objects.filter((object) => object.kind === kind);
  const named = (kind: string, name: string) => {
    const object = byKind(kind).find((candidate) => candidate.metadata.name === name);
    if (!object) throw new Error(`${overlay} renders no ${kind} ${name}`);
    return object;
  };
  const workloads = [...byKind('Deployment'), ...byKind('Job')];
  const podSpecs = workloads.map((workload) => [workload.metadata.name, workload.spec.template.spec] as const);
  const containers = podSpecs.flatMap(([name, pod]) =>
    (pod.containers as Rendered[]).map((container) => [`${name}/${container.name}`, container, pod] as const),
  );
  const config = byKind('ConfigMap').find((map) => map.metadata.name.startsWith('flowgate-config'))!;

  it('renders everything the service needs', () => {
    expect(
      objects.map((object) => `${object.kind}/${object.metadata.name.replace(/-[a-z0-9]{10}$/, '')}`).sort(),
    ).toEqual(
      expect.arrayContaining([
        'ConfigMap/flowgate-config',
        'Deployment/flowgate-api',
        'Deployment/flowgate-worker',
        'HorizontalPodAutoscaler/flowgate-api',
        'HorizontalPodAutoscaler/flowgate-worker',
        'Job/flowgate-migrate',
        'NetworkPolicy/flowgate-egress',
        'NetworkPolicy/flowgate-ingress',
        'PodDisruptionBudget/flowgate-api',
        'PodDisruptionBudget/flowgate-worker',
        'Service/flowgate-api',
        'ServiceAccount/flowgate',
        'ServiceMonitor/flowgate',
      ]),
    );
  });

  it('is valid against the Kubernetes and Prometheus Operator schemas', () => {
    expect(schemaProblems.get(overlay)).toEqual([]);
  });

  it('sets limits and requests on every container', () => {
    for (const [name, container] of containers) {
      expect([name, Object.keys(container.resources.limits).sort()]).toEqual([name, ['cpu', 'memory']]);
      expect([name, Object.keys(container.resources.requests).sort()]).toEqual([name, ['cpu', 'memory']]);
    }
  });

  it('runs every container non-root, unprivileged, read-only, with every capability dropped', () => {
    for (const [name, container, pod] of containers) {
      expect([name, pod.securityContext.runAsNonRoot, pod.securityContext.seccompProfile.type]).toEqual([
        name,
        true,
        'RuntimeDefault',
      ]);
      expect([name, container.securityContext]).toEqual([
        name,
        expect.objectContaining({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        }),
      ]);
      expect([name, pod.automountServiceAccountToken]).toEqual([name, false]);
    }
  });

  it('pins every image to an explicit tag or a digest, never latest', () => {
    for (const [name, container] of containers) {
      expect([name, container.image]).toEqual([
        name,
        expect.stringMatching(/^[^:@]+(:(?!latest$)[\w.-]+|@sha256:[0-9a-f]{64})$/),
      ]);
    }
  });

  it('keeps tini as PID 1: containers pass args, never a command', () => {
    for (const [name, container] of containers) expect([name, container.command]).toEqual([name, undefined]);
  });

  it('probes every long-running container: startup and liveness on /health/live, readiness on /health/ready', () => {
    for (const deployment of byKind('Deployment')) {
      for (const container of deployment.spec.template.spec.containers as Record<string, Probe | undefined>[]) {
        const paths = ['startupProbe', 'livenessProbe', 'readinessProbe'].map(
          (probe) => container[probe]?.httpGet?.path,
        );
        expect([deployment.metadata.name, paths]).toEqual([
          deployment.metadata.name,
          ['/health/live', '/health/live', '/health/ready'],
        ]);
      }
    }
  });

  it('gives each Deployment a grace period above its preStop sleep and its shutdown drain', () => {
    const drains = {
      'flowgate-api': Number(config.data!.HTTP_SHUTDOWN_DRAIN_MS) / 1000,
      'flowgate-worker': Number(config.data!.WORKER_SHUTDOWN_TIMEOUT_MS) / 1000,
    };
    for (const [name, drain] of Object.entries(drains)) {
      const pod = named('Deployment', name).spec.template.spec;
      const [sleep, seconds] = pod.containers[0].lifecycle.preStop.exec.command as string[];
      expect(sleep).toBe('sleep');
      expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(Number(seconds) + drain + DRAIN_MARGIN_SECONDS);
    }
  });

  it("starts the API as the image does: the Dockerfile CMD's Node flags (memory, docs/performance.md)", () => {
    const cmd = /^CMD (\[.*\])$/m.exec(repositoryFile('Dockerfile'))?.[1];
    expect(cmd).toBeDefined();
    expect(named('Deployment', 'flowgate-api').spec.template.spec.containers[0].args).toEqual(JSON.parse(cmd!));
  });

  it('never migrates on start: the Job runs the migration entry point', () => {
    expect(config.data!.DATABASE_MIGRATIONS_RUN).toBe('false');
    // Production's configuration is validated in full, the migration's too: it needs these.
    expect(Object.keys(config.data!)).toEqual(expect.arrayContaining(['NODE_ENV', 'PUBLIC_BASE_URL']));
    const job = named('Job', 'flowgate-migrate').spec;
    expect(job.template.spec.containers[0].args).toEqual(['node', 'dist/apps/api/apps/api/src/cli/migrate.js']);
    expect([job.backoffLimit, job.template.spec.restartPolicy]).toEqual([0, 'Never']);
  });

  it('sets only settings Flowgate reads, and reads secrets from the Secret flowgate-secrets', () => {
    const known = flowgateSettingNames();
    const generatedSecrets = byKind('Secret').filter((secret) => secret.metadata.name.startsWith('flowgate-secrets'));
    const settings = [config, ...generatedSecrets].flatMap((map) => Object.keys(map.data!));
    expect(settings.filter((name) => !known.has(name))).toEqual([]);
    // Production's Secret is made outside the repository; development's is generated (hashed name).
    const secretName = generatedSecrets[0]?.metadata.name ?? 'flowgate-secrets';
    for (const [name, container] of containers) {
      expect([name, container.envFrom]).toEqual([
        name,
        [{ configMapRef: { name: config.metadata.name } }, { secretRef: { name: secretName } }],
      ]);
    }
  });

  it('points the autoscalers, disruption budgets and Services at pods that exist', () => {
    for (const autoscaler of byKind('HorizontalPodAutoscaler'))
      named('Deployment', autoscaler.spec.scaleTargetRef.name);
    const podLabels = byKind('Deployment').map((deployment) => deployment.spec.template.metadata.labels as object);
    for (const selecting of [...byKind('PodDisruptionBudget'), ...byKind('Service')]) {
      const selector = (selecting.spec.selector.matchLabels ?? selecting.spec.selector) as object;
      expect([selecting.metadata.name, podLabels.some((labels) => matches(labels, selector))]).toEqual([
        selecting.metadata.name,
        true,
      ]);
    }
  });

  it('lets the ServiceMonitor find a `metrics` port on the API and the worker, never on the public Service', () => {
    const monitor = named('ServiceMonitor', 'flowgate');
    const scraped = byKind('Service').filter((service) =>
      matches(service.metadata.labels ?? {}, monitor.spec.selector.matchLabels),
    );
    expect(scraped.map((service) => service.metadata.name).sort()).toEqual([
      'flowgate-api-metrics',
      'flowgate-worker-metrics',
    ]);
    const ports = (service: KubernetesObject) => service.spec.ports as { name: string; port: number }[];
    for (const service of scraped) expect(ports(service).map((port) => port.name)).toEqual(['metrics']);
    expect(ports(named('Service', 'flowgate-api')).map((port) => port.port)).toEqual([80]);
  });
});

it('has a wrongly typed field refused by that validation', () => {
  expect(schemaProblems.get('wrongly typed')).toEqual([expect.stringContaining('containerPort must be integer')]);
});

describe('production overlay', () => {
  it('pulls from a registry, not a local image name', () => {
    const images = render('production')
      .filter((object) => object.kind === 'Deployment' || object.kind === 'Job')
      .flatMap((workload) =>
        (workload.spec.template.spec.containers as { image: string }[]).map((container) => container.image),
      );
    expect(new Set(images.map((image) => image.split('/')[0]))).toEqual(new Set(['flowgateregistry.azurecr.io']));
  });

  it('generates no Secret from files in the repository', () => {
    expect(render('production').filter((object) => object.kind === 'Secret')).toEqual([]);
  });
});

function matches(labels: object, selector: object): boolean {
  return Object.entries(selector).every(([key, value]) => (labels as Record<string, unknown>)[key] === value);
}
