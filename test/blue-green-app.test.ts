import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { BlueGreenApp, BlueGreenAppProps } from '../lib/web/blue-green-app';
import { LARAVEL_COLOUR_LABEL, LARAVEL_HEALTH_PROBES, LARAVEL_WRITABLE_PATHS, PROBE_TYPE_HEADER } from '../lib/laravel';
import { LaravelConfig } from '../lib/laravel/laravel-config';
import { SecretReferences } from '../lib/core/secret-references';
import { MetricSources } from '../lib/core/metric-sources';
import { K8sObject, SMALL_RESOURCES, diffObjects, findObject, ofKind, selects, synthChart, testChart, nonEmpty } from './helpers';

const BASE: BlueGreenAppProps = {
  name: 'laravel',
  partOf: 'ecommerce',
  imageRepository: 'ghcr.io/acme/shop',
  blueImageTag: 'v1.2.3',
  greenImageTag: 'v1.3.0',
  liveColour: 'blue',
  resources: SMALL_RESOURCES,
  autoscaling: { minReplicas: 3, maxReplicas: 10 },
  idleReplicas: 3,
  // What the Laravel layer passes; the generic defaults have their own tests below.
  probes: LARAVEL_HEALTH_PROBES,
  probeTypeHeader: PROBE_TYPE_HEADER,
  colourLabel: LARAVEL_COLOUR_LABEL,
  writablePaths: [...LARAVEL_WRITABLE_PATHS],
};

/** Only what the generic construct requires: every default in play. */
const MINIMAL: BlueGreenAppProps = {
  name: 'storefront',
  imageRepository: 'ghcr.io/acme/storefront',
  blueImageTag: 'v1.0.0',
  greenImageTag: 'v1.0.0',
  liveColour: 'blue',
  resources: SMALL_RESOURCES,
  autoscaling: { minReplicas: 2, maxReplicas: 4 },
  idleReplicas: 1,
};

describe('BlueGreenApp generic defaults', () => {
  const chart = testChart();
  new BlueGreenApp(chart, 'Storefront', MINIMAL);
  const objects = synthChart(chart);
  const blue = findObject(objects, 'Deployment', 'storefront-blue');
  const c = blue.spec.template.spec.containers[0];

  test('probes ask /healthz on the http port, without a probe-type header', () => {
    for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) {
      expect(probe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    }
  });

  test('only /tmp is writable', () => {
    expect(c.volumeMounts.map((m: K8sObject) => m.mountPath)).toEqual(['/tmp']);
  });

  test('the colour label is `colour`, so a chart-level `environment` label cannot collide with it', () => {
    expect(blue.spec.selector.matchLabels).toEqual({ app: 'storefront', colour: 'blue' });
    expect(findObject(objects, 'Service', 'storefront-service').spec.selector).toEqual({ app: 'storefront', colour: 'blue' });
  });

  test('the HPA scales on CPU and memory only: no custom-metrics adapter needed', () => {
    const hpa = findObject(objects, 'HorizontalPodAutoscaler', 'storefront-blue-hpa');
    expect(hpa.spec.metrics.map((m: K8sObject) => m.type)).toEqual(['Resource', 'Resource']);
  });

  test('rejects a colour label that is not a label key', () => {
    expect(() => new BlueGreenApp(testChart(), 'Storefront', { ...MINIMAL, colourLabel: 'not a key' }))
      .toThrow(/^\[test\/Storefront\] colourLabel: /);
  });
});

function render(overrides: Partial<BlueGreenAppProps> = {}): { app: BlueGreenApp; objects: K8sObject[] } {
  const chart = testChart();
  const app = new BlueGreenApp(chart, 'Laravel', { ...BASE, ...overrides });
  return { app, objects: synthChart(chart) };
}

function container(objects: K8sObject[], deployment: string): K8sObject {
  return findObject(objects, 'Deployment', deployment).spec.template.spec.containers[0];
}

describe('BlueGreenApp objects', () => {
  const { objects } = render();

  test('renders the seed names: two Deployments, the live Service and one Service per colour', () => {
    expect(ofKind(objects, 'Deployment').map((d) => d.metadata.name)).toEqual(['laravel-blue', 'laravel-green']);
    expect(ofKind(objects, 'Service').map((s) => s.metadata.name).sort())
      .toEqual(['laravel-blue-service', 'laravel-green-service', 'laravel-service']);
    expect(container(objects, 'laravel-blue').name).toBe('laravel');
  });

  test('pods carry app, colour, version and the recommended labels', () => {
    const labels = findObject(objects, 'Deployment', 'laravel-green').spec.template.metadata.labels;
    expect(labels).toEqual({
      'app': 'laravel',
      'environment': 'green',
      'version': 'v1.3.0',
      'app.kubernetes.io/name': 'laravel',
      'app.kubernetes.io/instance': 'laravel-green',
      'app.kubernetes.io/component': 'web',
      'app.kubernetes.io/part-of': 'ecommerce',
      'app.kubernetes.io/managed-by': 'cdk8s',
      'app.kubernetes.io/version': 'v1.3.0',
    });
  });

  test('each Deployment selects on app and colour only, and its template matches', () => {
    for (const colour of ['blue', 'green']) {
      const d = findObject(objects, 'Deployment', `laravel-${colour}`);
      expect(d.spec.selector).toEqual({ matchLabels: { app: 'laravel', environment: colour } });
      expect(selects(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
    }
  });

  test('the live Service selects exactly the live colour and the colour Services their own colour', () => {
    const pods = (colour: string) => findObject(objects, 'Deployment', `laravel-${colour}`).spec.template.metadata.labels;
    const live = findObject(objects, 'Service', 'laravel-service');
    expect(live.spec.selector).toEqual({ app: 'laravel', environment: 'blue' });
    expect(selects(live.spec.selector, pods('blue'))).toBe(true);
    expect(selects(live.spec.selector, pods('green'))).toBe(false);
    for (const colour of ['blue', 'green']) {
      const svc = findObject(objects, 'Service', `laravel-${colour}-service`);
      expect(selects(svc.spec.selector, pods(colour))).toBe(true);
      expect(svc.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
    }
  });

  test('probes are seed 000\'s, on the named port with the X-Probe-Type header', () => {
    const c = container(objects, 'laravel-blue');
    expect(c.ports).toEqual([{ containerPort: 8080, name: 'http', protocol: 'TCP' }]);
    expect(c.startupProbe).toEqual({
      httpGet: { path: '/health/startup', port: 'http', httpHeaders: [{ name: 'X-Probe-Type', value: 'startup' }] },
      initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 30,
    });
    expect(c.livenessProbe).toEqual({
      httpGet: { path: '/health/live', port: 'http', httpHeaders: [{ name: 'X-Probe-Type', value: 'liveness' }] },
      initialDelaySeconds: 30, periodSeconds: 10, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 3,
    });
    expect(c.readinessProbe).toEqual({
      httpGet: { path: '/health/ready', port: 'http', httpHeaders: [{ name: 'X-Probe-Type', value: 'readiness' }] },
      initialDelaySeconds: 10, periodSeconds: 5, timeoutSeconds: 3, successThreshold: 1, failureThreshold: 3,
    });
  });

  test('a probe can be overridden alone; the others keep the defaults', () => {
    const probes = { readiness: { ...LARAVEL_HEALTH_PROBES.readiness, path: '/ready', period: Duration.seconds(2) } };
    const c = container(render({ probes }).objects, 'laravel-blue');
    expect(c.readinessProbe.httpGet.path).toBe('/ready');
    expect(c.readinessProbe.periodSeconds).toBe(2);
    expect(c.livenessProbe.httpGet.path).toBe('/healthz');
  });

  test('drains for 15 s before SIGTERM and gives requests 30 s more', () => {
    const d = findObject(objects, 'Deployment', 'laravel-blue');
    expect(d.spec.template.spec.containers[0].lifecycle.preStop.exec.command).toEqual(['/bin/sh', '-c', 'sleep 15']);
    expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(45);
  });

  test('pods meet Pod Security restricted with a read-only root and writable emptyDir paths', () => {
    const spec = findObject(objects, 'Deployment', 'laravel-blue').spec.template.spec;
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe('laravel');
    expect(spec.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true,
      runAsGroup: 1000, runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' },
    });
    const mounts = spec.containers[0].volumeMounts.filter((m: K8sObject) => m.name === 'writable').map((m: K8sObject) => m.mountPath);
    expect(mounts).toContain('/var/www/html/storage/framework/views');
    expect(mounts).toContain('/tmp');
    expect(spec.volumes.find((v: K8sObject) => v.name === 'writable').emptyDir.sizeLimit).toBe('256Mi');
  });

  test('spreads each colour over nodes and zones without requiring it', () => {
    const spread = findObject(objects, 'Deployment', 'laravel-green').spec.template.spec.topologySpreadConstraints;
    expect(spread.map((c: K8sObject) => [c.topologyKey, c.whenUnsatisfiable, c.labelSelector.matchLabels.environment]))
      .toEqual([['kubernetes.io/hostname', 'ScheduleAnyway', 'green'], ['topology.kubernetes.io/zone', 'ScheduleAnyway', 'green']]);
  });

  test('carries no path-derived label', () => {
    for (const d of nonEmpty(ofKind(objects, 'Deployment'), 'Deployment')) {
      expect(Object.keys(d.spec.template.metadata.labels).filter((k) => k.startsWith('cdk8s.io'))).toEqual([]);
    }
  });

  test('pinned tags are pulled once, moving tags always', () => {
    expect(container(objects, 'laravel-blue').imagePullPolicy).toBe('IfNotPresent');
    const moving = render({ requirePinnedImages: false, blueImageTag: 'main' }).objects;
    expect(container(moving, 'laravel-blue').imagePullPolicy).toBe('Always');
    expect(container(moving, 'laravel-blue').image).toBe('ghcr.io/acme/shop:main');
  });

  test('a digest is referenced with @ and labelled with its short form', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const d = findObject(render({ greenImageTag: digest }).objects, 'Deployment', 'laravel-green');
    expect(d.spec.template.spec.containers[0].image).toBe(`ghcr.io/acme/shop@${digest}`);
    expect(d.spec.template.metadata.labels.version).toBe('sha256-abababababab');
  });

  test('scrape annotations point at the http port', () => {
    const annotations = findObject(objects, 'Deployment', 'laravel-blue').spec.template.metadata.annotations;
    expect(annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080', 'prometheus.io/path': '/metrics' });
  });
});

describe('BlueGreenApp replicas and autoscaling', () => {
  test('with autoscaling, no Deployment carries replicas: each colour has its own HPA', () => {
    const { objects } = render();
    for (const d of nonEmpty(ofKind(objects, 'Deployment'), 'Deployment')) {
      expect(d.spec.replicas).toBeUndefined();
    }
    const live = findObject(objects, 'HorizontalPodAutoscaler', 'laravel-blue-hpa');
    const idle = findObject(objects, 'HorizontalPodAutoscaler', 'laravel-green-hpa');
    expect(live.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'laravel-blue' });
    expect(idle.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'laravel-green' });
    expect([live.spec.minReplicas, live.spec.maxReplicas]).toEqual([3, 10]);
    expect([idle.spec.minReplicas, idle.spec.maxReplicas]).toEqual([3, 3]);
  });

  test('a separate metrics port is a named container port the scrape annotations point at, and no Service exposes it', () => {
    const { app, objects } = render({ metricsPort: 9090 });
    const c = container(objects, 'laravel-blue');
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }]);
    expect(findObject(objects, 'Deployment', 'laravel-blue').spec.template.metadata.annotations['prometheus.io/port']).toBe('9090');
    expect(app.metricsPortName).toBe('metrics');
    expect(ofKind(objects, 'Service').flatMap((svc) => svc.spec.ports.map((p: K8sObject) => p.targetPort))).not.toContain(9090);
    expect(render().app.metricsPortName).toBe('http');
  });

  test('a request-rate target renders the Pods metric only where an adapter serves it', () => {
    const props = { ...BASE, autoscaling: { minReplicas: 3, maxReplicas: 10, requestsPerSecondPerPod: 1000 } };
    expect(() => new BlueGreenApp(testChart(), 'Laravel', props)).toThrow(
      '[test/Laravel/BlueAutoscaler] metrics[2].name: nothing in this app serves the Pods metric "http_requests_per_second"');
    const chart = testChart();
    MetricSources.of(chart).declare(chart, 'Pods', 'http_requests_per_second');
    new BlueGreenApp(chart, 'Laravel', props);
    expect(findObject(synthChart(chart), 'HorizontalPodAutoscaler', 'laravel-blue-hpa').spec.metrics[2])
      .toEqual({ type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: 1000 } } });
  });

  test('the HPA has CPU and memory metrics and seed 000\'s behaviour, and no metric nothing serves', () => {
    const hpa = findObject(render().objects, 'HorizontalPodAutoscaler', 'laravel-blue-hpa');
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]);
    expect(hpa.spec.behavior).toEqual({
      scaleUp: {
        stabilizationWindowSeconds: 0,
        selectPolicy: 'Max',
        policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }, { type: 'Pods', value: 4, periodSeconds: 30 }],
      },
      scaleDown: {
        stabilizationWindowSeconds: 300,
        selectPolicy: 'Min',
        policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }, { type: 'Pods', value: 2, periodSeconds: 60 }],
      },
    });
  });

  test('without autoscaling, each Deployment owns a fixed replicas count and there is no HPA', () => {
    const { objects } = render({ autoscaling: undefined, replicas: 2, idleReplicas: 1 });
    expect(findObject(objects, 'Deployment', 'laravel-blue').spec.replicas).toBe(2);
    expect(findObject(objects, 'Deployment', 'laravel-green').spec.replicas).toBe(1);
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
  });

  test('a PDB guards each colour that can run more than one pod', () => {
    const { objects } = render({ autoscaling: { minReplicas: 2, maxReplicas: 4 }, idleReplicas: 1 });
    const pdb = findObject(objects, 'PodDisruptionBudget', 'laravel-blue-pdb');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: { app: 'laravel', environment: 'blue' } } });
    expect(ofKind(objects, 'PodDisruptionBudget').map((p) => p.metadata.name)).toEqual(['laravel-blue-pdb']);
  });

  test('switching colour changes only the live selector and the two HPAs\' bounds', () => {
    const blue = render().objects;
    const green = render({ liveColour: 'green' }).objects;
    expect(diffObjects(blue, green)).toEqual([
      '~ HorizontalPodAutoscaler/laravel-blue-hpa spec.maxReplicas: 10 -> 3',
      '~ HorizontalPodAutoscaler/laravel-green-hpa spec.maxReplicas: 3 -> 10',
      '~ Service/laravel-service spec.selector.environment: "blue" -> "green"',
    ]);
  });

  test('exposes the sizes each colour runs at', () => {
    const { app } = render({ idleReplicas: 2, autoscaling: { minReplicas: 3, maxReplicas: 6 } });
    expect([app.minimumReplicas('blue'), app.maximumReplicas('blue')]).toEqual([3, 6]);
    expect([app.minimumReplicas('green'), app.maximumReplicas('green')]).toEqual([2, 2]);
    expect(app.idleColour).toBe('green');
  });
});

describe('BlueGreenApp configuration', () => {
  function withConfig(settings: Record<string, string>): K8sObject[] {
    const chart = testChart();
    const config = new LaravelConfig(chart, 'Config', { appName: 'laravel', partOf: 'ecommerce', settings });
    new BlueGreenApp(chart, 'Laravel', { ...BASE, envFromConfigMaps: [config.appConfig], configMapMounts: [{ configMap: config.nginxConfig, path: '/etc/nginx/conf.d' }] });
    return synthChart(chart);
  }
  const hash = (objects: K8sObject[]) => findObject(objects, 'Deployment', 'laravel-blue').spec.template.metadata.annotations['checksum/config'];

  test('a ConfigMap change rolls the pods through the config hash, and nothing else changes it', () => {
    const a = withConfig({ REDIS_HOST: 'redis' });
    expect(hash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hash(withConfig({ REDIS_HOST: 'redis' }))).toBe(hash(a));
    expect(hash(withConfig({ REDIS_HOST: 'redis-2' }))).not.toBe(hash(a));
  });

  test('loads ConfigMaps and Secrets whole, reads secret keys by reference and records them', () => {
    const chart = testChart();
    const secret = kplus.Secret.fromSecretName(chart, 'S', 'laravel-secrets');
    new BlueGreenApp(chart, 'Laravel', { ...BASE, envFromSecrets: [secret], secretEnv: { DB_PASSWORD: { secret, key: 'db-password' } }, env: { APP_ENV: 'production' } });
    const c = container(synthChart(chart), 'laravel-blue');
    expect(c.envFrom).toEqual([{ secretRef: { name: 'laravel-secrets' } }]);
    expect(c.env).toEqual([
      { name: 'APP_ENV', value: 'production' },
      { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'laravel-secrets', key: 'db-password' } } },
    ]);
    expect(SecretReferences.of(chart).list()).toEqual([
      { namespace: 'ecommerce', name: 'laravel-secrets', keys: ['db-password'], wholeSecret: true, referencedBy: ['test/Laravel'] },
    ]);
  });
});

describe('BlueGreenApp validation', () => {
  const cases: Array<[string, Partial<BlueGreenAppProps>, string]> = [
    ['a live colour other than blue or green', { liveColour: 'purple' as never }, '[test/Laravel] liveColour: must be one of "blue", "green", got "purple"'],
    ['minReplicas above maxReplicas', { autoscaling: { minReplicas: 12, maxReplicas: 10 } }, '[test/Laravel] autoscaling.minReplicas: must not exceed maxReplicas (10), got 12'],
    ['negative replicas', { autoscaling: undefined, replicas: -1 }, '[test/Laravel] replicas: must be an integer of at least 1, got -1'],
    ['both replicas and autoscaling', { replicas: 2 }, '[test/Laravel] replicas: conflicts with autoscaling: give a fixed size or autoscaling bounds, not both'],
    ['neither replicas nor autoscaling', { autoscaling: undefined }, '[test/Laravel] replicas: required when autoscaling is not set'],
    ['an idle colour of zero pods', { idleReplicas: 0 }, '[test/Laravel] idleReplicas: must be an integer of at least 1, got 0'],
    ['the latest tag where images are pinned', { greenImageTag: 'latest' }, '[test/Laravel] greenImageTag: must be pinned to a semantic version (v1.2.3) or a sha256 digest, got "latest"'],
    ['a missing tag', { blueImageTag: '' }, '[test/Laravel] blueImageTag: required: an image tag or sha256 digest, got ""'],
    ['a CPU limit below its request', { resources: { ...SMALL_RESOURCES, cpuLimit: kplus.Cpu.millis(50) } }, '[test/Laravel] resources.cpuLimit: must be at least cpuRequest (100m), got 50m'],
    ['a memory limit below its request', { resources: { ...SMALL_RESOURCES, memoryRequest: SMALL_RESOURCES.memoryLimit, memoryLimit: SMALL_RESOURCES.memoryRequest } }, '[test/Laravel] resources.memoryLimit: must be at least memoryRequest (256Mi), got 128Mi'],
    ['an invalid name', { name: 'Laravel_App' }, '[test/Laravel] name: must be a DNS-1123 label (lower-case letters, digits and \'-\', at most 63 characters), got "Laravel_App"'],
    ['a grace period no longer than the drain', { preStopSleepSeconds: 20, terminationGracePeriodSeconds: 20 }, '[test/Laravel] terminationGracePeriodSeconds: must be longer than preStopSleepSeconds (20), got 20'],
    ['a root user', { runAsUser: 0 }, '[test/Laravel] runAsUser: must be an integer of at least 1, got 0'],
  ];
  test.each(cases)('rejects %s', (_what, overrides, message) => {
    expect(() => render(overrides)).toThrow(message);
    try {
      render(overrides);
    } catch (e) {
      expect((e as Error).message).toBe(message);
    }
  });

  test('rejects a variable set both plainly and from a Secret', () => {
    const chart = testChart();
    const secret = kplus.Secret.fromSecretName(chart, 'S', 'laravel-secrets');
    expect(() => new BlueGreenApp(chart, 'Laravel', { ...BASE, env: { X: '1' }, secretEnv: { X: { secret, key: 'x' } } }))
      .toThrow('[test/Laravel] secretEnv.X: is also set in env: give each variable one source');
  });

  test('accepts moving tags where images need not be pinned', () => {
    expect(() => render({ requirePinnedImages: false, blueImageTag: 'latest' })).not.toThrow();
  });
});
