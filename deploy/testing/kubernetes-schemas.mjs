// Validates Kubernetes objects against the API's OpenAPI schemas (kubernetes-models) and the
// Prometheus Operator's CRD schema: reads a JSON array of { label, objects } on stdin, prints a
// JSON object of label → "Kind/name: problem" lines. A process of its own because both packages are ES modules only,
// which the CommonJS jest tiers cannot import.
import { readFileSync } from 'node:fs';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';

const MODELS = new Map(
  [
    ConfigMap,
    Deployment,
    HorizontalPodAutoscaler,
    Job,
    NetworkPolicy,
    PodDisruptionBudget,
    Secret,
    Service,
    ServiceAccount,
    ServiceMonitor,
  ].map((Model) => [`${Model.apiVersion}/${Model.kind}`, Model]),
);

function problemsOf(objects) {
  const problems = [];
  for (const object of objects) {
    const name = `${object.kind}/${object.metadata?.name}`;
    const Model = MODELS.get(`${object.apiVersion}/${object.kind}`);
    if (!Model) {
      problems.push(`${name}: no schema for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      problems.push(`${name}: ${error.message}`);
    }
  }
  return problems;
}

const batches = JSON.parse(readFileSync(0, 'utf8'));
process.stdout.write(
  JSON.stringify(Object.fromEntries(batches.map(({ label, objects }) => [label, problemsOf(objects)]))),
);
