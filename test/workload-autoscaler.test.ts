import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AutoscalerMetric, WorkloadAutoscaler, WorkloadAutoscalerProps } from '../lib/core/workload-autoscaler';
import { MetricSources } from '../lib/core/metric-sources';
import { SMALL_RESOURCES, findObject, synthChart, testChart } from './helpers';

/** A metrics adapter in the test app serving the custom and external metrics these tests scale on. */
function adapter(chart: Chart): void {
  const sources = MetricSources.of(chart);
  sources.declare(chart, 'External', 'redis_queue_length');
  sources.declare(chart, 'External', 'sqs_messages');
  sources.declare(chart, 'Pods', 'http_request_duration_p95');
}

function workload(chart: Chart, resources: kplus.ContainerResources = { cpu: { request: SMALL_RESOURCES.cpuRequest } }): kplus.Deployment {
  adapter(chart);
  const d = new kplus.Deployment(chart, 'Worker', { metadata: { name: 'laravel-worker' }, select: true });
  d.addContainer({ name: 'worker', image: 'ghcr.io/acme/worker:v1.0.0', resources });
  return d;
}

function props(target: kplus.Deployment, overrides: Partial<WorkloadAutoscalerProps> = {}): WorkloadAutoscalerProps {
  return {
    name: 'laravel-worker-hpa',
    target,
    minReplicas: 1,
    maxReplicas: 5,
    metrics: [AutoscalerMetric.external({ name: 'redis_queue_length', selector: { queue: 'default' }, averageValue: '100' })],
    ...overrides,
  };
}

describe('WorkloadAutoscaler', () => {
  test('rejects a Pods or External metric that nothing in the app serves', () => {
    const chart = testChart();
    const target = new kplus.Deployment(chart, 'Web', { metadata: { name: 'web' }, select: true });
    target.addContainer({ name: 'web', image: 'ghcr.io/acme/web:v1.0.0', resources: { cpu: { request: SMALL_RESOURCES.cpuRequest } } });
    expect(() => new WorkloadAutoscaler(chart, 'Hpa', props(target, {
      metrics: [AutoscalerMetric.cpuUtilization(70), AutoscalerMetric.pods({ name: 'http_requests_per_second', averageValue: 1000 })],
    }))).toThrow('[test/Hpa] metrics[1].name: nothing in this app serves the Pods metric "http_requests_per_second" (no metrics adapter declares it in MetricSources), '
      + 'so the HPA could never read it; scale on cpu or memory, or on a source KEDA reads');
  });

  test('accepts that metric once a construct declares it serves it', () => {
    const chart = testChart();
    const target = new kplus.Deployment(chart, 'Web', { metadata: { name: 'web' }, select: true });
    target.addContainer({ name: 'web', image: 'ghcr.io/acme/web:v1.0.0', resources: { cpu: { request: SMALL_RESOURCES.cpuRequest } } });
    MetricSources.of(chart).declare(chart, 'Pods', 'http_requests_per_second');
    new WorkloadAutoscaler(chart, 'Hpa', props(target, { metrics: [AutoscalerMetric.pods({ name: 'http_requests_per_second', averageValue: 1000 })] }));
    expect(findObject(synthChart(chart), 'HorizontalPodAutoscaler', 'laravel-worker-hpa').spec.metrics[0].pods.metric.name).toBe('http_requests_per_second');
  });

  test('renders External metrics with selectors, string quantities and both behaviours', () => {
    const chart = testChart();
    new WorkloadAutoscaler(chart, 'Hpa', props(workload(chart), {
      scaleDown: { stabilizationWindow: Duration.seconds(600), policies: [{ type: 'Pods', value: 1, period: Duration.seconds(120) }] },
      scaleUp: { stabilizationWindow: Duration.seconds(60), selectPolicy: 'Min', policies: [{ type: 'Percent', value: 1000, period: Duration.seconds(60) }] },
    }));
    const hpa = findObject(synthChart(chart), 'HorizontalPodAutoscaler', 'laravel-worker-hpa');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'laravel-worker' },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [{
        type: 'External',
        external: { metric: { name: 'redis_queue_length', selector: { matchLabels: { queue: 'default' } } }, target: { type: 'AverageValue', averageValue: '100' } },
      }],
      behavior: {
        scaleDown: { stabilizationWindowSeconds: 600, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] },
        scaleUp: { stabilizationWindowSeconds: 60, selectPolicy: 'Min', policies: [{ type: 'Percent', value: 1000, periodSeconds: 60 }] },
      },
    });
  });

  test('renders Resource and Pods metrics; numbers stay numbers; no behaviour when none is given', () => {
    const chart = testChart();
    const target = workload(chart, { cpu: { request: SMALL_RESOURCES.cpuRequest }, memory: { request: SMALL_RESOURCES.memoryRequest } });
    new WorkloadAutoscaler(chart, 'Hpa', props(target, {
      metrics: [
        AutoscalerMetric.cpuUtilization(70),
        AutoscalerMetric.memoryUtilization(80),
        AutoscalerMetric.pods({ name: 'http_request_duration_p95', averageValue: '500m', selector: { route: 'checkout' } }),
        AutoscalerMetric.external({ name: 'sqs_messages', value: 30 }),
      ],
    }));
    const hpa = findObject(synthChart(chart), 'HorizontalPodAutoscaler', 'laravel-worker-hpa');
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
      { type: 'Pods', pods: { metric: { name: 'http_request_duration_p95', selector: { matchLabels: { route: 'checkout' } } }, target: { type: 'AverageValue', averageValue: '500m' } } },
      { type: 'External', external: { metric: { name: 'sqs_messages' }, target: { type: 'Value', value: 30 } } },
    ]);
    expect(hpa.spec.behavior).toBeUndefined();
  });

  test('the target renders without replicas: the autoscaler owns the pod count', () => {
    const chart = testChart();
    new WorkloadAutoscaler(chart, 'Hpa', props(workload(chart)));
    expect(findObject(synthChart(chart), 'Deployment', 'laravel-worker').spec.replicas).toBeUndefined();
  });

  const P = 'test/Hpa';
  const cases: Array<[string, Partial<WorkloadAutoscalerProps>, string]> = [
    ['minReplicas above maxReplicas', { minReplicas: 6, maxReplicas: 5 }, `[${P}] minReplicas: must not exceed maxReplicas (5), got 6`],
    ['minReplicas below 1', { minReplicas: 0 }, `[${P}] minReplicas: must be an integer of at least 1, got 0`],
    ['no metrics', { metrics: [] }, `[${P}] metrics: needs at least one metric to scale on`],
    ['a Percent policy over 1000', { scaleUp: { stabilizationWindow: Duration.seconds(0), policies: [{ type: 'Percent', value: 1001, period: Duration.seconds(60) }] } },
      `[${P}] scaleUp.policies[0].value: must be an integer from 1 to 1000, got 1001`],
    ['a Percent policy below 1', { scaleDown: { stabilizationWindow: Duration.seconds(0), policies: [{ type: 'Percent', value: 0, period: Duration.seconds(60) }] } },
      `[${P}] scaleDown.policies[0].value: must be an integer from 1 to 1000, got 0`],
    ['a Pods policy of zero pods', { scaleDown: { stabilizationWindow: Duration.seconds(0), policies: [{ type: 'Pods', value: 0, period: Duration.seconds(60) }] } },
      `[${P}] scaleDown.policies[0].value: must be an integer of at least 1, got 0`],
    ['a policy period over 30 minutes', { scaleDown: { stabilizationWindow: Duration.seconds(0), policies: [{ type: 'Pods', value: 1, period: Duration.seconds(1801) }] } },
      `[${P}] scaleDown.policies[0].period: must be a whole number of seconds from 1s to 1800s, got Duration 1801 seconds`],
    ['a stabilization window over an hour', { scaleDown: { stabilizationWindow: Duration.seconds(3601), policies: [{ type: 'Pods', value: 1, period: Duration.seconds(60) }] } },
      `[${P}] scaleDown.stabilizationWindow: must be a whole number of seconds from 0s to 3600s, got Duration 3601 seconds`],
    ['rules without policies', { scaleUp: { stabilizationWindow: Duration.seconds(0), policies: [] } }, `[${P}] scaleUp.policies: needs at least one policy`],
    ['a memory utilization target without memory requests', { metrics: [AutoscalerMetric.memoryUtilization(80)] },
      `[${P}] metrics[0]: memory utilization needs a memory request on every container of Deployment "laravel-worker", but container "worker" has none`],
    ['an External metric with both targets', { metrics: [AutoscalerMetric.external({ name: 'q', averageValue: 1, value: 2 })] },
      `[${P}] metrics[0]: give exactly one of averageValue and value`],
    ['a quantity that is not one', { metrics: [AutoscalerMetric.pods({ name: 'rps', averageValue: 'lots' })] },
      `[${P}] metrics[0].averageValue: must be a positive quantity such as 100 or "500m", got "lots"`],
  ];
  test.each(cases)('rejects %s', (_what, overrides, message) => {
    const chart = testChart();
    const target = workload(chart);
    expect(() => new WorkloadAutoscaler(chart, 'Hpa', props(target, overrides))).toThrow(message);
  });

  test('rejects a utilization target on a workload without resource requests', () => {
    const chart = testChart();
    // Limits alone: cdk8s-plus would fill in its own requests if resources were left out entirely.
    const target = workload(chart, { cpu: { limit: SMALL_RESOURCES.cpuLimit } });
    expect(() => new WorkloadAutoscaler(chart, 'Hpa', props(target, { metrics: [AutoscalerMetric.cpuUtilization(70)] })))
      .toThrow(`[${P}] metrics[0]: cpu utilization needs a cpu request on every container of Deployment "laravel-worker", but container "worker" has none`);
  });

  test('rejects a target that does not exist in the autoscaler\'s namespace', () => {
    const app = new App();
    const here = new Chart(app, 'here', { namespace: 'ecommerce', disableResourceNameHashes: true });
    const there = new Chart(app, 'there', { namespace: 'jobs', disableResourceNameHashes: true });
    expect(() => new WorkloadAutoscaler(here, 'Hpa', props(workload(there))))
      .toThrow('[here/Hpa] target: Deployment "laravel-worker" does not exist in namespace "ecommerce" (it is rendered in "jobs")');
    expect(() => new WorkloadAutoscaler(testChart(), 'Hpa', props(workload(testChart()))))
      .toThrow('[test/Hpa] target: Deployment "laravel-worker" does not exist in namespace "ecommerce" (it is rendered in "ecommerce" of another app)');
  });

  test('rejects a second autoscaler on one target', () => {
    const chart = testChart();
    const target = workload(chart);
    new WorkloadAutoscaler(chart, 'Hpa', props(target));
    expect(() => new WorkloadAutoscaler(chart, 'Hpa2', props(target, { name: 'other-hpa' })))
      .toThrow('[test/Hpa2] target: Deployment "laravel-worker" already has an autoscaler; two would fight over its pod count');
  });
});
