import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { LARAVEL_REDIS_REACHABLE_COMMAND, LARAVEL_WRITABLE_PATHS, addLaravelQueueWorker } from '../lib/laravel';
import { QueueWorker } from '../lib/workers/queue-worker';
import { findObject, synthChart, testChart } from './helpers';

const RESOURCES = { cpuRequest: kplus.Cpu.millis(100), cpuLimit: kplus.Cpu.millis(500), memoryRequest: Size.mebibytes(256), memoryLimit: Size.mebibytes(512) };

describe('addLaravelQueueWorker', () => {
  const chart = testChart();
  const worker = addLaravelQueueWorker(chart, 'Worker', {
    name: 'laravel-worker', appName: 'laravel', partOf: 'ecommerce', imageRepository: 'ghcr.io/acme/shop', imageTag: 'v1.0.0',
    resources: RESOURCES, queues: ['default'], replicas: 1, sleep: Duration.seconds(7), jobTimeout: Duration.seconds(90), heartbeatFile: '/tmp/queue-worker-heartbeat',
  });
  const container = findObject(synthChart(chart), 'Deployment', 'laravel-worker').spec.template.spec.containers[0];

  test('is a QueueWorker at the given id, running artisan queue:work with the timeout it sizes the grace period from', () => {
    expect(worker).toBeInstanceOf(QueueWorker);
    expect(worker.node.path).toBe('test/Worker');
    expect(worker.command.slice(0, 4)).toEqual(['php', 'artisan', 'queue:work', 'redis']);
    expect(worker.command).toContain('--timeout=90');
    expect(worker.terminationGracePeriod.toSeconds()).toBe(120);
  });

  test('the heartbeat allows for --sleep, and Laravel\'s run-time paths are writable', () => {
    expect(container.livenessProbe.exec.command[2]).toContain('-lt 157');
    expect(container.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toEqual([...LARAVEL_WRITABLE_PATHS].sort());
  });

  test('without a heartbeat file the probes check that PHP runs and Redis answers', () => {
    const plain = testChart();
    addLaravelQueueWorker(plain, 'Worker', {
      name: 'laravel-worker', appName: 'laravel', partOf: 'ecommerce', imageRepository: 'ghcr.io/acme/shop', imageTag: 'v1.0.0',
      resources: RESOURCES, queues: ['default'], replicas: 1,
    });
    const c = findObject(synthChart(plain), 'Deployment', 'laravel-worker').spec.template.spec.containers[0];
    expect(c.livenessProbe.exec.command).toEqual([...LARAVEL_REDIS_REACHABLE_COMMAND]);
    expect(c.readinessProbe.exec.command).toEqual([...LARAVEL_REDIS_REACHABLE_COMMAND]);
  });

  test('rejects a flag at the worker\'s path', () => {
    expect(() => addLaravelQueueWorker(testChart(), 'Worker', {
      name: 'laravel-worker', appName: 'laravel', partOf: 'ecommerce', imageRepository: 'ghcr.io/acme/shop', imageTag: 'v1.0.0',
      resources: RESOURCES, queues: ['default'], replicas: 1, tries: 0,
    })).toThrow('[test/Worker] tries: must be an integer');
  });
});
