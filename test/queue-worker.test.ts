import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { QueueWorker } from '../lib/workers/queue-worker';
import { LARAVEL_REDIS_REACHABLE_COMMAND, LaravelQueueWorkerProps, addLaravelQueueWorker } from '../lib/laravel';
import { SecretReferences } from '../lib/core/secret-references';
import { K8sObject, findObject, ofKind, selects, synthChart, testChart } from './helpers';

/** A KEDA trigger as rendered. */
type Trigger = { type: string; name: string; metadata: Record<string, string>; authenticationRef: { name: string } };

/** The Redis the test workers' queues live in: its password Secret, and Laravel's list keys. */
function backend(): LaravelQueueWorkerProps['queueBackend'] {
  return { address: 'redis.ecommerce.svc:6379', password: { secret: kplus.Secret.fromSecretName(testChart(), 'RedisPassword', 'redis-password'), key: 'password' }, listKeyPrefix: 'laravel_database_queues:' };
}

const RESOURCES = { cpuRequest: kplus.Cpu.millis(100), cpuLimit: kplus.Cpu.millis(500), memoryRequest: Size.mebibytes(256), memoryLimit: Size.mebibytes(512) };
const BASE: LaravelQueueWorkerProps = {
  name: 'laravel-worker',
  appName: 'laravel',
  partOf: 'ecommerce',
  imageRepository: 'ghcr.io/ibekzod/laravel-ecommerce-worker',
  imageTag: 'v1.2.3',
  resources: RESOURCES,
  queues: ['high', 'default', 'low'],
  autoscaling: { metric: 'queueLength', minReplicas: 1, maxReplicas: 5 },
  queueBackend: backend(),
};

function render(overrides: Partial<LaravelQueueWorkerProps> = {}): { worker: QueueWorker; objects: K8sObject[] } {
  const chart = testChart();
  const worker = addLaravelQueueWorker(chart, 'Worker', { ...BASE, ...overrides });
  return { worker, objects: synthChart(chart) };
}

describe('QueueWorker without the Laravel layer', () => {
  const chart = testChart();
  new QueueWorker(chart, 'Worker', {
    name: 'mailer', appName: 'storefront', partOf: 'shop', imageRepository: 'ghcr.io/acme/storefront', imageTag: 'v1.0.0',
    resources: RESOURCES, command: ['node', 'dist/worker.js'], queues: ['mail'], replicas: 2,
  });
  const worker = findObject(synthChart(chart), 'Deployment', 'mailer');
  const c = worker.spec.template.spec.containers[0];

  test('runs the given command and writes only to /tmp', () => {
    expect(c.command).toEqual(['node', 'dist/worker.js']);
    expect(c.volumeMounts.map((m: K8sObject) => m.mountPath)).toEqual(['/tmp']);
  });

  test('rejects an empty command', () => {
    expect(() => new QueueWorker(testChart(), 'Worker', {
      name: 'mailer', appName: 'storefront', partOf: 'shop', imageRepository: 'ghcr.io/acme/storefront', imageTag: 'v1.0.0',
      resources: RESOURCES, command: [], queues: ['mail'], replicas: 2,
    })).toThrow('[test/Worker] command: needs the worker\'s command, got []');
  });
});

describe('QueueWorker', () => {
  const { objects } = render();
  const deployment = findObject(objects, 'Deployment', 'laravel-worker');
  const container = deployment.spec.template.spec.containers[0];

  test('runs seed 001\'s queue:work command with --timeout added', () => {
    expect(container.command).toEqual([
      'php', 'artisan', 'queue:work', 'redis', '--queue=high,default,low', '--tries=3', '--timeout=60',
      '--max-time=3600', '--memory=512', '--sleep=3', '--backoff=10,30,60',
    ]);
    expect(container.image).toBe('ghcr.io/ibekzod/laravel-ecommerce-worker:v1.2.3');
    expect(container.imagePullPolicy).toBe('IfNotPresent');
  });

  test('the grace period covers the longest job', () => {
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(90);
    const long = findObject(render({ jobTimeout: Duration.minutes(5) }).objects, 'Deployment', 'laravel-worker');
    expect(long.spec.template.spec.terminationGracePeriodSeconds).toBe(330);
    expect(long.spec.template.spec.containers[0].command).toContain('--timeout=300');
  });

  test('without a declared heartbeat the probes hold for any running worker: PHP runs and Redis answers', () => {
    expect(container.livenessProbe.exec.command).toEqual([...LARAVEL_REDIS_REACHABLE_COMMAND]);
    expect(container.readinessProbe.exec.command).toEqual([...LARAVEL_REDIS_REACHABLE_COMMAND]);
    expect([container.livenessProbe.periodSeconds, container.livenessProbe.failureThreshold]).toEqual([30, 4]);
    const own = findObject(render({ healthCommand: ['check-redis'] }).objects, 'Deployment', 'laravel-worker').spec.template.spec.containers[0];
    expect(own.livenessProbe.exec.command).toEqual(['check-redis']);
    expect(own.readinessProbe.exec.command).toEqual(['check-redis']);
  });

  test('with a declared heartbeat, liveness fails on a stale file: the check compares the file\'s age, it does not always succeed', () => {
    const beating = findObject(render({ heartbeatFile: '/tmp/queue-worker-heartbeat' }).objects, 'Deployment', 'laravel-worker').spec.template.spec.containers[0];
    const probe = beating.livenessProbe;
    expect(probe.exec.command).toEqual(['/bin/sh', '-c',
      'test -f \'/tmp/queue-worker-heartbeat\' && test $(( $(date +%s) - $(stat -c %Y \'/tmp/queue-worker-heartbeat\') )) -lt 123']);
    expect([probe.initialDelaySeconds, probe.periodSeconds, probe.failureThreshold]).toEqual([60, 30, 2]);
    expect(beating.readinessProbe.exec.command).toEqual(probe.exec.command);
  });

  test('KEDA owns the scaling: ScaledObject laravel-worker sums every drained queue\'s list at 100 jobs per worker, HPA named laravel-worker-hpa', () => {
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
    const scaled = findObject(objects, 'ScaledObject', 'laravel-worker');
    expect(scaled.apiVersion).toBe('keda.sh/v1alpha1');
    expect(scaled.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'laravel-worker' });
    expect([scaled.spec.minReplicaCount, scaled.spec.maxReplicaCount]).toEqual([1, 5]);
    expect(scaled.spec.triggers.map((t: Trigger) => [t.type, t.name, t.metadata.listName, t.authenticationRef.name])).toEqual([
      ['redis', 'queue_high', 'laravel_database_queues:high', 'laravel-worker'],
      ['redis', 'queue_default', 'laravel_database_queues:default', 'laravel-worker'],
      ['redis', 'queue_low', 'laravel_database_queues:low', 'laravel-worker'],
    ]);
    expect(scaled.spec.triggers.every((t: Trigger) => t.metadata.address === 'redis.ecommerce.svc:6379' && t.metadata.listLength === '100')).toBe(true);
    expect(scaled.spec.advanced.scalingModifiers).toEqual({ formula: 'queue_high + queue_default + queue_low', target: '100', metricType: 'AverageValue' });
    expect(scaled.spec.advanced.horizontalPodAutoscalerConfig.name).toBe('laravel-worker-hpa');
    expect(scaled.spec.advanced.horizontalPodAutoscalerConfig.behavior).toEqual({
      scaleDown: { stabilizationWindowSeconds: 600, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 120 }] },
      scaleUp: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 2, periodSeconds: 60 }] },
    });
    const auth = findObject(objects, 'TriggerAuthentication', 'laravel-worker');
    expect(auth.spec).toEqual({ secretTargetRef: [{ parameter: 'password', name: 'redis-password', key: 'password' }] });
    expect(deployment.spec.replicas).toBeUndefined();
  });

  test('one measured queue needs no formula', () => {
    const scaled = findObject(render({ autoscaling: { metric: 'queueLength', minReplicas: 1, maxReplicas: 3, queues: ['default'], jobsPerPod: 50 } }).objects, 'ScaledObject', 'laravel-worker');
    expect(scaled.spec.triggers.map((t: Trigger) => t.metadata.listName)).toEqual(['laravel_database_queues:default']);
    expect(scaled.spec.triggers[0].metadata.listLength).toBe('50');
    expect(scaled.spec.advanced.scalingModifiers).toBeUndefined();
  });

  test('seed 001\'s CPU/memory variant is available by config, on a target with both requests', () => {
    const hpa = findObject(render({ autoscaling: { metric: 'resources', minReplicas: 8, maxReplicas: 50 } }).objects, 'HorizontalPodAutoscaler', 'laravel-worker-hpa');
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
      { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]);
    expect(hpa.spec.behavior.scaleUp).toEqual({ stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 60 }] });
    expect(hpa.spec.behavior.scaleDown).toEqual({ stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 2, periodSeconds: 120 }] });
  });

  test('restricted pods with a read-only root, spread, and a PDB selecting exactly the workers', () => {
    const spec = deployment.spec.template.spec;
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } });
    expect(spec.topologySpreadConstraints.map((c: K8sObject) => c.topologyKey)).toEqual(['kubernetes.io/hostname', 'topology.kubernetes.io/zone']);
    const pdb = findObject(objects, 'PodDisruptionBudget', 'laravel-worker-pdb');
    expect(pdb.spec.selector.matchLabels).toEqual({ app: 'laravel-worker' });
    expect(selects(pdb.spec.selector.matchLabels, deployment.spec.template.metadata.labels)).toBe(true);
    expect(Object.keys(deployment.spec.template.metadata.labels).filter((k) => k.startsWith('cdk8s.io'))).toEqual([]);
  });

  test('one fixed worker has no HPA and no PDB', () => {
    const fixed = render({ autoscaling: undefined, replicas: 1 }).objects;
    expect(findObject(fixed, 'Deployment', 'laravel-worker').spec.replicas).toBe(1);
    expect(ofKind(fixed, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(ofKind(fixed, 'PodDisruptionBudget')).toEqual([]);
  });

  test('records the Secret keys it reads', () => {
    const chart = testChart();
    const secret = kplus.Secret.fromSecretName(chart, 'Redis', 'redis-password');
    addLaravelQueueWorker(chart, 'Worker', { ...BASE, secretEnv: { REDIS_PASSWORD: { secret, key: 'password' } } });
    expect(SecretReferences.of(chart).list()).toEqual([
      { namespace: 'ecommerce', name: 'redis-password', keys: ['password'], wholeSecret: false, referencedBy: ['test/Worker', 'test/Worker/Scaler'] },
    ]);
  });

  const P = '[test/Worker]';
  const cases: Array<[string, Partial<LaravelQueueWorkerProps>, string]> = [
    ['a grace period shorter than the job timeout', { jobTimeout: Duration.minutes(2), terminationGracePeriod: Duration.seconds(60) },
      `${P} terminationGracePeriod: must be at least jobTimeout (120s) so the current job can finish after SIGTERM, got 60s`],
    ['a job timeout given as a number of seconds', { jobTimeout: 120 as never }, `${P} jobTimeout: must be a Duration such as Duration.minutes(5), got 120`],
    ['a grace period given as a Prometheus string', { terminationGracePeriod: '90s' as never }, `${P} terminationGracePeriod: must be a Duration such as Duration.minutes(5), got "90s"`],
    ['a job timeout of a fraction of a second', { jobTimeout: Duration.millis(1500) }, `${P} jobTimeout: must be a whole number of seconds, at least 1s, got Duration 1500 millis`],
    ['no queues', { queues: [] }, `${P} queues: needs at least one queue to drain`],
    ['a queue name with a comma', { queues: ['high,low'] }, `${P} queues[0]: must be a queue name (letters, digits, '_', '.', ':', '-'), got "high,low"`],
    ['a repeated queue', { queues: ['high', 'high'] }, `${P} queues: must not repeat a queue, got ["high","high"]`],
    ['--memory above the container limit', { memoryMiB: 1024 }, `${P} memoryMiB: must not exceed the container memory limit (512 MiB), got 1024`],
    ['a moving tag where images are pinned', { imageTag: 'latest' }, `${P} imageTag: must be pinned to a semantic version (v1.2.3) or a sha256 digest, got "latest"`],
    ['both replicas and autoscaling', { replicas: 2 }, `${P} replicas: conflicts with autoscaling: give a fixed size or autoscaling bounds, not both`],
    ['scaling on a queue it does not drain', { autoscaling: { metric: 'queueLength', minReplicas: 1, maxReplicas: 5, queues: ['emails'] } },
      `${P} autoscaling.queues[0]: must be one of the drained queues ["high","default","low"], got "emails"`],
    ['crossed autoscaling bounds', { autoscaling: { metric: 'queueLength', minReplicas: 6, maxReplicas: 5 } },
      '[test/Worker/Scaler] minReplicas: must not exceed maxReplicas (5), got 6'],
    ['queue-length scaling without a queue backend', { queueBackend: undefined },
      `${P} queueBackend: required when autoscaling on queue length: the scaler reads the queues from it`],
    ['an empty health command', { healthCommand: [] }, `${P} healthCommand: must be a non-empty command, got []`],
    ['a relative heartbeat file', { heartbeatFile: 'tmp/beat' }, `${P} heartbeatFile: must be an absolute path, got "tmp/beat"`],
  ];
  test.each(cases)('rejects %s', (_what, overrides, message) => {
    expect(() => render(overrides)).toThrow(message);
  });
});
