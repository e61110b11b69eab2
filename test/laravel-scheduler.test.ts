import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { LaravelScheduler, LaravelSchedulerProps } from '../lib/laravel/laravel-scheduler';
import { LARAVEL_REDIS_REACHABLE_COMMAND } from '../lib/laravel/laravel-queues';
import { K8sObject, findObject, synthChart, testChart } from './helpers';

const BASE: LaravelSchedulerProps = {
  name: 'laravel-scheduler',
  appName: 'laravel',
  partOf: 'ecommerce',
  imageRepository: 'ghcr.io/ibekzod/laravel-ecommerce-worker',
  imageTag: 'v1.2.3',
  resources: { cpuRequest: kplus.Cpu.millis(50), cpuLimit: kplus.Cpu.millis(250), memoryRequest: Size.mebibytes(128), memoryLimit: Size.mebibytes(256) },
};

function render(overrides: Partial<LaravelSchedulerProps> = {}): K8sObject[] {
  const chart = testChart();
  new LaravelScheduler(chart, 'Scheduler', { ...BASE, ...overrides });
  return synthChart(chart);
}

describe('LaravelScheduler', () => {
  const d = findObject(render(), 'Deployment', 'laravel-scheduler');
  const c = d.spec.template.spec.containers[0];

  test('runs exactly one schedule:work, replaced with Recreate so two never overlap', () => {
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(c.command).toEqual(['php', 'artisan', 'schedule:work']);
    expect(d.spec.selector.matchLabels).toEqual({ app: 'laravel-scheduler' });
  });

  test('without a declared heartbeat the probes check that PHP runs and Redis accepts a connection', () => {
    expect(c.livenessProbe.exec.command).toEqual([...LARAVEL_REDIS_REACHABLE_COMMAND]);
    expect(c.livenessProbe.exec.command[2]).toContain('fsockopen(getenv("REDIS_HOST")');
    expect(c.readinessProbe.exec.command).toEqual(c.livenessProbe.exec.command);
    expect([c.livenessProbe.periodSeconds, c.livenessProbe.failureThreshold]).toEqual([60, 4]);
  });

  test('with a declared heartbeat, liveness fails when the per-minute heartbeat is older than 5 minutes', () => {
    const beating = findObject(render({ heartbeatFile: '/tmp/scheduler-heartbeat' }), 'Deployment', 'laravel-scheduler').spec.template.spec.containers[0];
    expect(beating.livenessProbe.exec.command[2]).toBe(
      'test -f \'/tmp/scheduler-heartbeat\' && test $(( $(date +%s) - $(stat -c %Y \'/tmp/scheduler-heartbeat\') )) -lt 300');
    expect(beating.readinessProbe.exec.command).toEqual(beating.livenessProbe.exec.command);
  });

  test('restricted, read-only root, requests and limits, no path label', () => {
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '250m', memory: '256Mi' } });
    expect(Object.keys(d.spec.template.metadata.labels).filter((k) => k.startsWith('cdk8s.io'))).toEqual([]);
  });

  test('rejects a heartbeat age shorter than two schedule ticks', () => {
    expect(() => render({ heartbeatMaxAge: Duration.seconds(60) })).toThrow('[test/Scheduler] heartbeatMaxAge: must be a whole number of seconds, at least 120s, got Duration 60 seconds');
  });

  test('rejects a relative heartbeat path', () => {
    expect(() => render({ heartbeatFile: 'tmp/beat' })).toThrow('[test/Scheduler] heartbeatFile: must be an absolute path, got "tmp/beat"');
  });
});
