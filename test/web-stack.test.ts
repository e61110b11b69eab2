import { cpuToMillis, memoryToKibibytes } from '../lib/core/container-resources';
import { ENVIRONMENTS, EnvironmentConfig, EnvironmentName, RELEASES } from '../stacks/config';
import { withWeb, renderedFiles } from './environment-helpers';
import { K8sObject, diffObjects, findObject, ofKind, podTemplates, selects, nonEmpty } from './helpers';

/** Only the web tier's chart: other charts have their own tests. */
function webFiles(config: EnvironmentConfig) {
  return renderedFiles(config).filter((f) => f.fileName === 'web.k8s.yaml');
}

function synthObjects(config: EnvironmentConfig): K8sObject[] {
  return webFiles(config).flatMap((f) => f.objects as K8sObject[]);
}

function shippedEnvironments(): Array<[EnvironmentName, K8sObject[]]> {
  return (Object.keys(ENVIRONMENTS) as EnvironmentName[]).map((name) => [name, synthObjects(ENVIRONMENTS[name])]);
}

const environments = shippedEnvironments();

function mebibytes(quantity: string): number {
  const match = /^(\d+)(Ki|Mi|Gi)$/.exec(quantity);
  if (!match) {
    throw new Error(`unexpected memory quantity ${quantity}`);
  }
  return Number(match[1]) * { Ki: 1 / 1024, Mi: 1, Gi: 1024 }[match[2] as 'Ki' | 'Mi' | 'Gi'];
}

describe.each(environments)('%s web tier', (name, objects) => {
  const config = ENVIRONMENTS[name];

  test('renders the objects the seed\'s validation script checks', () => {
    expect(findObject(objects, 'Namespace', 'ecommerce').metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.28',
    });
    expect(findObject(objects, 'ConfigMap', 'laravel-config').data.REDIS_HOST).toBe('redis');
    findObject(objects, 'ConfigMap', 'nginx-config');
    expect(findObject(objects, 'Ingress', 'laravel-ingress').spec.rules[0].host).toBe(config.web.host);
    expect(findObject(objects, 'Certificate', 'ecommerce-tls').spec.issuerRef.name).toBe(config.tlsIssuer.name);
    findObject(objects, 'ResourceQuota', 'ecommerce-quota');
    findObject(objects, 'LimitRange', 'ecommerce-limits');
  });

  test('the live Service selects the configured colour and the Ingress routes to it', () => {
    const live = findObject(objects, 'Service', 'laravel-service');
    expect(live.spec.selector.environment).toBe(config.web.liveColour);
    const backend = findObject(objects, 'Ingress', 'laravel-ingress').spec.rules[0].http.paths[0].backend.service;
    expect(backend).toEqual({ name: 'laravel-service', port: { number: 80 } });
    expect(findObject(objects, 'Ingress', 'laravel-ingress').spec.tls).toEqual([{ hosts: [config.web.host], secretName: 'ecommerce-tls' }]);
  });

  test('every Service selects some pod template', () => {
    const templates = nonEmpty(podTemplates(objects), 'pod template');
    for (const svc of nonEmpty(ofKind(objects, 'Service'), 'Service')) {
      expect([svc.metadata.name, templates.some((t) => selects(svc.spec.selector, t.template.metadata.labels))]).toEqual([svc.metadata.name, true]);
    }
  });

  test('every Deployment selector matches its own template', () => {
    for (const d of nonEmpty(ofKind(objects, 'Deployment'), 'Deployment')) {
      expect(selects(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
    }
  });

  test('resources, probes and env are the configured ones', () => {
    for (const colour of ['blue', 'green']) {
      const c = findObject(objects, 'Deployment', `laravel-${colour}`).spec.template.spec.containers[0];
      expect(c.resources).toEqual({
        requests: { cpu: config.web.resources.cpuRequest.amount, memory: expect.any(String) },
        limits: { cpu: config.web.resources.cpuLimit.amount, memory: expect.any(String) },
      });
      expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
      const env = Object.fromEntries(c.env.filter((e: K8sObject) => e.value !== undefined).map((e: K8sObject) => [e.name, e.value]));
      expect(env).toMatchObject({ APP_ENV: config.web.appEnv, APP_DEBUG: String(config.web.appDebug) });
      expect(c.image).toBe(`${config.web.imageRepository}:${colour === 'blue' ? config.web.blueImageTag : config.web.greenImageTag}`);
    }
    expect(findObject(objects, 'ConfigMap', 'laravel-config').data.LOG_LEVEL).toBe(config.web.logLevel);
  });

  test('every pod meets Pod Security restricted and every container has requests, limits and probes', () => {
    for (const { owner, template } of nonEmpty(podTemplates(objects), 'pod template')) {
      const spec = template.spec;
      expect([owner.metadata.name, spec.securityContext.runAsNonRoot]).toEqual([owner.metadata.name, true]);
      expect(spec.hostNetwork ?? false).toBe(false);
      for (const c of spec.containers) {
        expect(c.securityContext).toMatchObject({
          allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(c.resources.limits).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        if (owner.kind !== 'CronJob') {
          // Job pods run to completion: nothing routes to them and nothing should restart them.
          expect(c.readinessProbe).toBeDefined();
          expect(c.livenessProbe).toBeDefined();
        }
      }
      expect(spec.volumes?.filter((v: K8sObject) => v.hostPath !== undefined) ?? []).toEqual([]);
    }
  });

  test('no Secret is rendered: secrets are referenced, never inlined', () => {
    expect(ofKind(objects, 'Secret').filter((o) => o.metadata.namespace === config.namespace)).toEqual([]);
  });

  test('the quota covers every colour at its maximum during a rolling update', () => {
    let cpu = 0;
    let memory = 0;
    let pods = 0;
    for (const d of nonEmpty(ofKind(objects, 'Deployment'), 'Deployment')) {
      const hpa = ofKind(objects, 'HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.name === d.metadata.name);
      const max = hpa?.spec.maxReplicas ?? d.spec.replicas;
      const withSurge = max + Math.ceil(max * 0.25);
      const requests = d.spec.template.spec.containers[0].resources.requests;
      cpu += withSurge * cpuToMillis({ amount: requests.cpu } as never)!;
      memory += withSurge * mebibytes(requests.memory);
      pods += withSurge;
    }
    expect(cpu).toBeLessThanOrEqual(cpuToMillis(config.quota.requestsCpu)!);
    expect(memory * 1024).toBeLessThanOrEqual(memoryToKibibytes(config.quota.requestsMemory));
    expect(cpu).toBeGreaterThan(0);
    expect(pods).toBeLessThanOrEqual(config.quota.pods);
  });

});

// Where the live colour autoscales there are HPAs and PDBs to check; dev runs one fixed pod per colour.
describe.each(environments.filter(([name]) => ENVIRONMENTS[name].web.autoscaling !== undefined))('%s web tier autoscaling', (_name, objects) => {
  test('every HPA targets an existing Deployment that carries no replicas', () => {
    for (const hpa of nonEmpty(ofKind(objects, 'HorizontalPodAutoscaler'), 'HorizontalPodAutoscaler')) {
      const target = findObject(objects, hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name);
      expect(target.spec.replicas).toBeUndefined();
    }
  });

  test('every PDB selects the pods of exactly one workload', () => {
    for (const pdb of nonEmpty(ofKind(objects, 'PodDisruptionBudget'), 'PodDisruptionBudget')) {
      const matched = nonEmpty(podTemplates(objects), 'pod template').filter((t) => selects(pdb.spec.selector.matchLabels, t.template.metadata.labels));
      // The one deliberate exception: mysql-replicas-pdb spans the replicas' StatefulSets (one pod each).
      const replicas = matched.length > 1 && matched.every((t) => t.owner.kind === 'StatefulSet' && t.template.metadata.labels.role === 'replica');
      expect(replicas ? 1 : matched.length).toBe(1);
    }
  });
});

describe('environment differences', () => {
  const byName = Object.fromEntries(environments);
  // Other tiers (workers, data, add-ons) have their own tests; these compare the web tier.
  const isWeb = (o: K8sObject) => o.metadata.labels?.['app.kubernetes.io/component'] === 'web';

  test('images are pinned in prod and staging, moving in dev', () => {
    const tags = (objects: K8sObject[]) => ofKind(objects, 'Deployment').filter(isWeb).map((d) => d.spec.template.spec.containers[0].image.split(':').pop());
    expect(tags(byName.prod)).toEqual(['v1.2.3', 'v1.3.0']);
    for (const tag of tags(byName.staging)) {
      expect(tag).toMatch(/^v\d+\.\d+\.\d+/);
    }
    expect(tags(byName.dev)).toEqual(['main', 'main']);
  });

  test('replicas follow seed 004: dev 1 fixed, staging 2-3, prod 3 per colour up to 10', () => {
    expect(ofKind(byName.dev, 'Deployment').filter(isWeb).map((d) => d.spec.replicas)).toEqual([1, 1]);
    expect(ofKind(byName.dev, 'HorizontalPodAutoscaler')).toEqual([]);
    const bounds = (objects: K8sObject[]) => ofKind(objects, 'HorizontalPodAutoscaler').filter(isWeb).map((h) => [h.metadata.name, h.spec.minReplicas, h.spec.maxReplicas]);
    expect(bounds(byName.staging)).toEqual([['laravel-blue-hpa', 2, 2], ['laravel-green-hpa', 2, 3]]);
    expect(bounds(byName.prod)).toEqual([['laravel-blue-hpa', 3, 10], ['laravel-green-hpa', 3, 3]]);
  });

  test('debug is on in dev only and log levels go debug, info, warning', () => {
    const env = (objects: K8sObject[]) => findObject(objects, 'Deployment', 'laravel-blue').spec.template.spec.containers[0].env.find((e: K8sObject) => e.name === 'APP_DEBUG').value;
    expect([env(byName.dev), env(byName.staging), env(byName.prod)]).toEqual(['true', 'false', 'false']);
    const level = (objects: K8sObject[]) => findObject(objects, 'ConfigMap', 'laravel-config').data.LOG_LEVEL;
    expect([level(byName.dev), level(byName.staging), level(byName.prod)]).toEqual(['debug', 'info', 'warning']);
  });

  test('prod uses seed 000\'s resources: 250m-500m CPU, 256Mi-512Mi memory', () => {
    const c = findObject(byName.prod, 'Deployment', 'laravel-blue').spec.template.spec.containers[0];
    expect(c.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
  });

  // The colours also trade waves: the colour taking traffic moves before the switch, the other after it.
  test('switching prod to green changes exactly the live selector and its release annotation, the HPA bounds and the colours\' waves', () => {
    const switched = synthObjects(withWeb('prod', { liveColour: 'green' }));
    expect(diffObjects(byName.prod, switched)).toEqual([
      '~ Deployment/laravel-blue metadata.annotations.argocd.argoproj.io/sync-wave: "2" -> "20"',
      '~ Deployment/laravel-green metadata.annotations.argocd.argoproj.io/sync-wave: "20" -> "2"',
      '~ HorizontalPodAutoscaler/laravel-blue-hpa metadata.annotations.argocd.argoproj.io/sync-wave: "2" -> "20"',
      '~ HorizontalPodAutoscaler/laravel-blue-hpa spec.maxReplicas: 10 -> 3',
      '~ HorizontalPodAutoscaler/laravel-green-hpa metadata.annotations.argocd.argoproj.io/sync-wave: "20" -> "2"',
      '~ HorizontalPodAutoscaler/laravel-green-hpa spec.maxReplicas: 3 -> 10',
      '~ PodDisruptionBudget/laravel-blue-pdb metadata.annotations.argocd.argoproj.io/sync-wave: "2" -> "20"',
      '~ PodDisruptionBudget/laravel-green-pdb metadata.annotations.argocd.argoproj.io/sync-wave: "20" -> "2"',
      '~ Service/laravel-service metadata.annotations.delivery.ecommerce-platform/release: "blue:v1.2.3" -> "green:v1.3.0"',
      '~ Service/laravel-service spec.selector.environment: "blue" -> "green"',
    ]);
  });

  test('switching staging back to blue changes exactly the live selector and its release annotation, the HPA bounds and the colours\' waves', () => {
    const switched = synthObjects(withWeb('staging', { liveColour: 'blue' }));
    expect(diffObjects(byName.staging, switched)).toEqual([
      '~ Deployment/laravel-blue metadata.annotations.argocd.argoproj.io/sync-wave: "20" -> "2"',
      '~ Deployment/laravel-green metadata.annotations.argocd.argoproj.io/sync-wave: "2" -> "20"',
      '~ HorizontalPodAutoscaler/laravel-blue-hpa metadata.annotations.argocd.argoproj.io/sync-wave: "20" -> "2"',
      '~ HorizontalPodAutoscaler/laravel-blue-hpa spec.maxReplicas: 2 -> 3',
      '~ HorizontalPodAutoscaler/laravel-green-hpa metadata.annotations.argocd.argoproj.io/sync-wave: "2" -> "20"',
      '~ HorizontalPodAutoscaler/laravel-green-hpa spec.maxReplicas: 3 -> 2',
      '~ PodDisruptionBudget/laravel-blue-pdb metadata.annotations.argocd.argoproj.io/sync-wave: "20" -> "2"',
      '~ PodDisruptionBudget/laravel-green-pdb metadata.annotations.argocd.argoproj.io/sync-wave: "2" -> "20"',
      `~ Service/laravel-service metadata.annotations.delivery.ecommerce-platform/release: "green:${RELEASES.staging.greenImageTag}" -> "blue:${RELEASES.staging.blueImageTag}"`,
      '~ Service/laravel-service spec.selector.environment: "green" -> "blue"',
    ]);
  });

  test('a new release on the idle colour changes only that colour\'s Deployment', () => {
    const released = synthObjects(withWeb('prod', { greenImageTag: 'v1.4.0' }));
    const changes = diffObjects(byName.prod, released);
    expect(nonEmpty(changes, 'change').every((c) => c.startsWith('~ Deployment/laravel-green '))).toBe(true);
    expect(changes).toContain('~ Deployment/laravel-green spec.template.spec.containers.0.image: "ghcr.io/ibekzod/laravel-ecommerce:v1.3.0" -> "ghcr.io/ibekzod/laravel-ecommerce:v1.4.0"');
  });
});
