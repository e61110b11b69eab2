import { Duration } from 'cdk8s';
import { CanaryApp, CanaryAppProps } from '../lib/delivery/canary-app';
import { ReleaseHealth } from '../lib/delivery/release-health';
import { PlatformSlos } from '../lib/laravel/platform-slos';
import { DEFAULT_HEALTH_PROBES } from '../lib/core/http-probes';
import { renderCharts } from '../lib/render/manifest-writer';
import { K8sObject, SMALL_RESOURCES, findObject, synthChart, testChart } from './helpers';

function render(props: Partial<CanaryAppProps> = {}, analysis: Partial<NonNullable<CanaryAppProps['analysis']>> | null = {}) {
  const chart = testChart();
  const slos = new PlatformSlos(chart, 'Slos', { appNamespace: 'ecommerce' });
  const health = new ReleaseHealth(chart, 'Health', { availability: slos.availability, latency: slos.latency, releaseLabel: 'rollouts_pod_template_hash' });
  const app = new CanaryApp(chart, 'Shop', {
    name: 'shop', partOf: 'ecommerce', image: 'ghcr.io/acme/shop:v2.0.0', replicas: 2, resources: SMALL_RESOURCES, containerPort: 8080,
    probes: DEFAULT_HEALTH_PROBES, host: 'shop.example.com', ingressClassName: 'nginx', metricsPath: '/metrics',
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
      name: 'shop', partOf: 'ecommerce', image: 'ghcr.io/acme/shop:v2.0.0', replicas: 2, resources: SMALL_RESOURCES, containerPort: 8080,
      probes: DEFAULT_HEALTH_PROBES, host: 'shop.example.com', ingressClassName: 'nginx', metricsPath: '/metrics', analysis: { health, prometheusUrl: 'http://p:9090' },
    })).toThrow('[test/Shop] analysis.health: must split by "rollouts_pod_template_hash" (the canary\'s pod template hash), got "environment"');
  });
});
