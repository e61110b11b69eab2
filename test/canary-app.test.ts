import { Duration } from 'cdk8s';
import { CanaryApp, CanaryAppProps } from '../lib/delivery/canary-app';
import { ReleaseHealth } from '../lib/delivery/release-health';
import { PlatformSlos } from '../lib/laravel/platform-slos';
import { DEFAULT_HEALTH_PROBES } from '../lib/core/http-probes';
import { renderCharts } from '../lib/render/manifest-writer';
import { ENVIRONMENTS } from '../stacks/config';
import { synthObjects } from './environment-helpers';
import { K8sObject, SMALL_RESOURCES, findObject, ofKind, synthChart, testChart } from './helpers';
import { isAllowed } from './network-policy-eval';
import { NetworkPolicies } from '../lib/safety/network-policies';
import { ClusterRequirements } from '../lib/core/cluster-requirements';
import { NAMESPACE_NAME_LABEL } from '../lib/safety/network-connections';

const SHOP_INGRESS = { host: 'shop.example.com', certificateName: 'shop-tls', issuerName: 'letsencrypt', ingressClassName: 'nginx' };

function render(props: Partial<CanaryAppProps> = {}, analysis: Partial<NonNullable<CanaryAppProps['analysis']>> | null = {}) {
  const chart = testChart();
  const slos = new PlatformSlos(chart, 'Slos', { appNamespace: 'ecommerce' });
  const health = new ReleaseHealth(chart, 'Health', { availability: slos.availability, latency: slos.latency, releaseLabel: 'rollouts_pod_template_hash' });
  const app = new CanaryApp(chart, 'Shop', {
    name: 'shop', partOf: 'ecommerce', imageRepository: 'ghcr.io/acme/shop', imageTag: 'v2.0.0', replicas: 2, resources: SMALL_RESOURCES, containerPort: 8080,
    probes: DEFAULT_HEALTH_PROBES, ingress: SHOP_INGRESS, metricsPath: '/metrics',
    analysis: analysis === null ? undefined : { health, prometheusUrl: 'http://prometheus:9090', ...analysis },
    ...props,
  });
  return { chart, app };
}

describe('CanaryApp', () => {
  const { chart, app } = render();
  const objects = synthChart(chart);
  const rollout = findObject(objects, 'Rollout', 'shop');
  const template = findObject(objects, 'AnalysisTemplate', 'shop-slo');
  const canary = rollout.spec.strategy.canary;

  test('steps 10 % -> pause -> analysis -> 50 % -> pause -> analysis -> 100 % by default', () => {
    expect(app.weightsPercent).toEqual([10, 50, 100]);
    const analysis = { analysis: { templates: [{ templateName: 'shop-slo' }], args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }] } };
    expect(canary.steps).toEqual([
      { setWeight: 10 }, { pause: { duration: '60s' } }, analysis,
      { setWeight: 50 }, { pause: { duration: '60s' } }, analysis,
      { setWeight: 100 },
    ]);
  });

  test('routes through ingress-nginx with stable and canary Services that select the Rollout\'s pods', () => {
    expect(canary).toMatchObject({ stableService: 'shop-stable', canaryService: 'shop-canary', trafficRouting: { nginx: { stableIngress: 'shop-ingress' } } });
    const podLabels = rollout.spec.template.metadata.labels;
    for (const name of ['shop-stable', 'shop-canary']) {
      const selector = findObject(objects, 'Service', name).spec.selector as Record<string, string>;
      expect(Object.keys(selector).length).toBeGreaterThan(0);
      expect(Object.entries(selector).every(([k, v]) => podLabels[k] === v)).toBe(true);
    }
    const ingress = findObject(objects, 'Ingress', 'shop-ingress');
    expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe('shop-stable');
    expect(ingress.spec.ingressClassName).toBe('nginx');
  });

  test('analyses the canary pods\' SLO recording rules with seed 003\'s thresholds', () => {
    const metrics = template.spec.metrics as K8sObject[];
    expect(metrics.map((m) => m.name)).toEqual(['error-ratio', 'latency']);
    expect(metrics[0].provider.prometheus).toEqual({
      address: 'http://prometheus:9090',
      query: 'rollouts_pod_template_hash:release_error_ratio:rate2m{slo="availability",rollouts_pod_template_hash="{{args.canary-hash}}"}',
    });
    expect(metrics[0].successCondition).toBe('len(result) > 0 && result[0] <= 0.001');
    expect(metrics[0].failureCondition).toBe('len(result) > 0 && result[0] > 0.001');
    expect(metrics[1].successCondition).toBe('len(result) > 0 && result[0] <= 0.2');
    expect(metrics[0]).toMatchObject({ interval: '60s', count: 5, failureLimit: 1 });
    expect(template.spec.args).toEqual([{ name: 'canary-hash' }]);
  });

  test('the AnalysisTemplate is applied a wave before the Rollout that runs it', () => {
    const wave = (o: K8sObject) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave']);
    expect(wave(template)).toBeLessThan(wave(rollout));
  });

  test('the pods are restricted, sized, probed and scraped', () => {
    const pod = rollout.spec.template;
    const c = pod.spec.containers[0];
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c.livenessProbe.httpGet.port).toBe('http');
    expect(pod.metadata.annotations['prometheus.io/scrape']).toBe('true');
  });

  test('takes steps, pause and analysis settings from its props', () => {
    const other = render({ weightsPercent: [25, 100], pause: Duration.seconds(0) }, { count: 3, failureLimit: 0, interval: Duration.seconds(30) });
    const objs = synthChart(other.chart);
    expect(findObject(objs, 'Rollout', 'shop').spec.strategy.canary.steps.map((s: object) => Object.keys(s)[0])).toEqual(['setWeight', 'analysis', 'setWeight']);
    expect(findObject(objs, 'AnalysisTemplate', 'shop-slo').spec.metrics[0]).toMatchObject({ interval: '30s', count: 3, failureLimit: 0 });
  });

  test('fails when the steps do not end at 100 %', () => {
    expect(() => render({ weightsPercent: [10, 50] })).toThrow('[test/Shop] weightsPercent: must end at 100 (all traffic on the new release), got [10,50]');
  });

  test('fails when the weights do not increase', () => {
    expect(() => render({ weightsPercent: [50, 20, 100] })).toThrow('[test/Shop] weightsPercent: weights must increase, got 20 after 50 in [50,20,100]');
  });

  test('fails when an analysis is asked of an app without metrics', () => {
    expect(() => render({ metricsPath: undefined })).toThrow('[test/Shop] analysis: shop exposes no metrics (metricsPath is not set): an analysis would have nothing to measure');
    expect(() => render({ metricsPath: undefined }, null)).not.toThrow();
  });

  test('fails when a threshold is outside (0, 1]', () => {
    expect(() => render({}, { errorRatioMax: 0 })).toThrow('[test/Shop] analysis.errorRatioMax: must be a fraction in (0, 1], got 0');
    expect(() => render({}, { latencyMax: Duration.millis(0) })).toThrow('[test/Shop] analysis.latencyMax: must be a positive Duration such as Duration.millis(200), got 0s');
  });

  test('fails synth when a query reads a series no rule records, naming the construct', () => {
    const { chart: bad } = render({}, { extraMetrics: [{ name: 'saturation', query: 'job:cpu_saturation:ratio{rollouts_pod_template_hash="{{args.canary-hash}}"}', max: 0.8 }] });
    expect(() => renderCharts(bad.node.root)).toThrow('[test/Shop] analysis.metrics[2].query: reads "job:cpu_saturation:ratio", which no recording rule records; analyses read recorded series only');
  });

  test('fails when a query is not PromQL', () => {
    expect(() => render({}, { extraMetrics: [{ name: 'broken', query: 'sum(rate(x[5m])', max: 1 }] })).toThrow(/^\[test\/Shop\] analysis\.metrics\[2\]\.query: is not valid PromQL/);
  });

  test('fails when the health rules do not split by the canary pod template hash', () => {
    const c = testChart();
    const slos = new PlatformSlos(c, 'Slos', { appNamespace: 'ecommerce' });
    const health = new ReleaseHealth(c, 'Health', { availability: slos.availability, latency: slos.latency, releaseLabel: 'environment' });
    expect(() => new CanaryApp(c, 'Shop', {
      name: 'shop', partOf: 'ecommerce', imageRepository: 'ghcr.io/acme/shop', imageTag: 'v2.0.0', replicas: 2, resources: SMALL_RESOURCES, containerPort: 8080,
      probes: DEFAULT_HEALTH_PROBES, ingress: SHOP_INGRESS, metricsPath: '/metrics', analysis: { health, prometheusUrl: 'http://p:9090' },
    })).toThrow('[test/Shop] analysis.health: must split by "rollouts_pod_template_hash" (the canary\'s pod template hash), got "environment"');
  });
});

describe('CanaryApp pods, disruption budget and Ingress', () => {
  const { chart } = render({
    metricsPort: 9090, preStopSleep: Duration.seconds(5), terminationGracePeriod: Duration.seconds(20),
    ingress: { ...SHOP_INGRESS, allowSourceRanges: ['10.8.0.0/16'], externalAuth: { url: 'https://auth.example.com/check', signinUrl: 'https://auth.example.com/start' } },
  });
  new NetworkPolicies(chart, 'Policies', {
    partOf: 'ecommerce',
    namespaces: ['ecommerce'],
    ingressController: { namespaceLabels: { [NAMESPACE_NAME_LABEL]: 'ingress-nginx' }, podLabels: {} },
    prometheus: { namespaceLabels: { [NAMESPACE_NAME_LABEL]: 'monitoring' }, podLabels: { 'app.kubernetes.io/name': 'prometheus' } },
  });
  const objects = synthChart(chart);
  const rollout = findObject(objects, 'Rollout', 'shop');
  const pod = rollout.spec.template;

  test('serves metrics on their own port, scraped there and exposed by no Service', () => {
    expect(pod.spec.containers[0].ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }]);
    expect(pod.metadata.annotations['prometheus.io/port']).toBe('9090');
    const services = ofKind(objects, 'Service');
    expect(services.length).toBe(2);
    expect(services.flatMap((s) => s.spec.ports.map((p: K8sObject) => p.targetPort))).toEqual([8080, 8080]);
  });

  test('drains before SIGTERM and spreads each revision over nodes and zones', () => {
    expect(pod.spec.containers[0].lifecycle.preStop.exec.command).toEqual(['/bin/sh', '-c', 'sleep 5']);
    expect(pod.spec.terminationGracePeriodSeconds).toBe(20);
    const spread = pod.spec.topologySpreadConstraints as K8sObject[];
    expect(spread.map((c) => c.topologyKey)).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    for (const c of spread) {
      expect(c.labelSelector.matchLabels).toEqual(rollout.spec.selector.matchLabels);
      expect(c.matchLabelKeys).toEqual(['rollouts-pod-template-hash']);
    }
  });

  test('a PodDisruptionBudget covers the pods when there are several, none for one pod', () => {
    const pdb = findObject(objects, 'PodDisruptionBudget', 'shop-pdb');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: rollout.spec.selector.matchLabels } });
    const single = synthChart(render({ replicas: 1 }).chart);
    expect(ofKind(single, 'Rollout').length).toBe(1);
    expect(ofKind(single, 'PodDisruptionBudget')).toEqual([]);
  });

  test('the stable Ingress carries the access restriction and TLS it was given', () => {
    const ingress = findObject(objects, 'Ingress', 'shop-ingress');
    expect(ingress.metadata.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/whitelist-source-range': '10.8.0.0/16',
      'nginx.ingress.kubernetes.io/auth-url': 'https://auth.example.com/check',
    });
    expect(ingress.spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'shop-tls' }]);
    expect(findObject(objects, 'Certificate', 'shop-tls').spec.dnsNames).toEqual(['shop.example.com']);
  });

  test('declares the flows to its pods: the ingress controller to http, Prometheus to metrics', () => {
    const policies = ofKind(objects, 'NetworkPolicy');
    const shopPod = { namespace: 'ecommerce', labels: rollout.spec.template.metadata.labels };
    const prometheus = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
    const ingressController = { namespace: 'ingress-nginx', labels: {} };
    expect(policies.length).toBeGreaterThan(0);
    expect(isAllowed(policies, ingressController, shopPod, 8080)).toBe(true);
    expect(isAllowed(policies, ingressController, shopPod, 9090)).toBe(false);
    expect(isAllowed(policies, prometheus, shopPod, 9090)).toBe(true);
    expect(isAllowed(policies, prometheus, shopPod, 8080)).toBe(false);
  });

  test('requires the Argo Rollouts controller of the cluster, for the preflight', () => {
    const required = ClusterRequirements.of(chart).list().filter((r) => r.description.startsWith('the Argo Rollouts controller runs'));
    expect(required).toEqual([expect.objectContaining({
      severity: 'error',
      args: ['get', 'deployments', '--all-namespaces', '-l', 'app.kubernetes.io/name=argo-rollouts', '-o', 'name'],
      expect: { type: 'contains', values: ['deployment.apps/'] },
    })]);
  });

  test('fails when the failure limit leaves nothing to fail', () => {
    expect(() => render({}, { count: 3, failureLimit: 3 })).toThrow('[test/Shop] analysis.failureLimit: must be below count (3): with 3 failures tolerated the analysis could never fail, got 3');
  });
});

describe('staging canary beside the blue/green web tier', () => {
  const staging = synthObjects(ENVIRONMENTS.staging);
  const canary = ENVIRONMENTS.staging.delivery!.canary!;
  const rollout = findObject(staging, 'Rollout', canary.appName);
  const template = findObject(staging, 'AnalysisTemplate', `${canary.appName}-slo`);
  const web = findObject(staging, 'Deployment', 'laravel-blue').spec.template;
  const wave = (o: K8sObject) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave']);

  test('the pods are built like the web tier\'s: container, security, volumes, drain and scrape', () => {
    const pod = rollout.spec.template;
    const { image: canaryImage, ...canaryContainer } = pod.spec.containers[0];
    const { image: webImage, ...webContainer } = web.spec.containers[0];
    expect(canaryImage).toBe(`${ENVIRONMENTS.staging.web.imageRepository}:${canary.imageTag}`);
    expect(webImage).not.toBe(canaryImage);
    expect(canaryContainer).toEqual(webContainer);
    for (const field of ['securityContext', 'volumes', 'terminationGracePeriodSeconds', 'automountServiceAccountToken']) {
      expect([field, pod.spec[field]]).toEqual([field, web.spec[field]]);
    }
    expect(pod.metadata.annotations).toEqual(web.metadata.annotations);
  });

  test('the web tier\'s scrape job keeps the pods\' template hash, which the analysis queries split by', () => {
    const monitor = ofKind(staging, 'PodMonitor').find((m) => m.spec.selector.matchLabels.app === 'laravel')!;
    expect(Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => rollout.spec.template.metadata.labels[k] === v)).toBe(true);
    expect(monitor.spec.podTargetLabels).toContain('rollouts-pod-template-hash');
    expect(monitor.spec.podMetricsEndpoints.map((e: K8sObject) => e.port)).toEqual(['metrics']);
  });

  test('the AnalysisTemplate is applied before the Rollout, and the Rollout after the verified switch', () => {
    expect(wave(template)).toBeLessThan(wave(rollout));
    expect(wave(findObject(staging, 'Job', 'laravel-verify-switch'))).toBeLessThan(wave(rollout));
  });

  test('the web tier\'s live Service, disruption budgets and spread never select the canary\'s pods', () => {
    const labels = rollout.spec.template.metadata.labels as Record<string, string>;
    const selects = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
    expect(selects(findObject(staging, 'Service', 'laravel-service').spec.selector)).toBe(false);
    const webBudgets = ofKind(staging, 'PodDisruptionBudget').filter((p) => p.metadata.name.startsWith('laravel-') && p.metadata.name !== `${canary.appName}-pdb`);
    expect(webBudgets.length).toBeGreaterThan(0);
    for (const pdb of webBudgets) {
      expect([pdb.metadata.name, selects(pdb.spec.selector.matchLabels)]).toEqual([pdb.metadata.name, false]);
    }
  });

  test('the canary\'s pods reach MySQL and Redis through the web tier\'s declared flows', () => {
    const policies = ofKind(staging, 'NetworkPolicy');
    const pod = { namespace: 'ecommerce', labels: rollout.spec.template.metadata.labels };
    expect(isAllowed(policies, pod, { namespace: 'ecommerce', labels: { app: 'mysql' } }, 3306)).toBe(true);
    expect(isAllowed(policies, pod, { namespace: 'ecommerce', labels: { app: 'redis' } }, 6379)).toBe(true);
  });
});

describe('CanaryApp with the blueGreen strategy', () => {
  const { chart } = render({ blueGreen: { prePromotionAnalysis: true, autoPromotion: false, scaleDownDelay: Duration.minutes(2) } });
  const objects = synthChart(chart);
  const rollout = findObject(objects, 'Rollout', 'shop');
  const analysis = { templates: [{ templateName: 'shop-slo' }], args: [{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }] };

  test('switches the active Service at promotion, with the analysis before and after it', () => {
    expect(rollout.spec.strategy).toEqual({
      blueGreen: {
        activeService: 'shop-active', previewService: 'shop-preview', autoPromotionEnabled: false, scaleDownDelaySeconds: 120,
        prePromotionAnalysis: analysis, postPromotionAnalysis: analysis,
      },
    });
    expect(findObject(objects, 'Ingress', 'shop-ingress').spec.rules[0].http.paths[0].backend.service.name).toBe('shop-active');
    expect(findObject(objects, 'AnalysisTemplate', 'shop-slo').spec.metrics.length).toBe(2);
  });

  test('analyses after promotion only, and promotes by itself, by default', () => {
    const objs = synthChart(render({ blueGreen: {} }).chart);
    expect(findObject(objs, 'Rollout', 'shop').spec.strategy.blueGreen).toEqual({
      activeService: 'shop-active', previewService: 'shop-preview', autoPromotionEnabled: true, scaleDownDelaySeconds: 30, postPromotionAnalysis: analysis,
    });
  });

  test('without an analysis it only switches', () => {
    const objs = synthChart(render({ blueGreen: {}, metricsPath: undefined }, null).chart);
    expect(ofKind(objs, 'AnalysisTemplate')).toEqual([]);
    expect(Object.keys(findObject(objs, 'Rollout', 'shop').spec.strategy.blueGreen).sort()).toEqual(['activeService', 'autoPromotionEnabled', 'previewService', 'scaleDownDelaySeconds']);
  });

  test('fails when a promotion analysis is asked without an analysis', () => {
    expect(() => render({ blueGreen: { postPromotionAnalysis: true } }, null)).toThrow('[test/Shop] blueGreen.postPromotionAnalysis: needs an analysis: set analysis (and metricsPath)');
  });

  test('rejects wrong-typed blueGreen options naming the field', () => {
    expect(() => render({ blueGreen: { autoPromotion: 'yes' } as never })).toThrow(/^\[test\/Shop\] blueGreen\.autoPromotion: /);
    expect(() => render({ blueGreen: { scaleDownDelay: 30 } as never })).toThrow(/^\[test\/Shop\] blueGreen\.scaleDownDelay: /);
    expect(() => render({ blueGreen: 'yes' as never })).toThrow(/^\[test\/Shop\] blueGreen: /);
  });

  test('fails when canary steps are given with blueGreen', () => {
    expect(() => render({ blueGreen: {}, weightsPercent: [50, 100] })).toThrow('[test/Shop] weightsPercent: applies to the canary strategy only: leave it out with blueGreen');
  });
});
