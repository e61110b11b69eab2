import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { RedisStore, RedisStoreProps } from '../lib/data/redis-store';
import { SecretReferences } from '../lib/core/secret-references';
import { K8sObject, findObject, selects, synthChart, testChart } from './helpers';
import { Chart } from 'cdk8s';

function render(overrides: Partial<RedisStoreProps> = {}): { objects: K8sObject[]; chart: Chart } {
  const chart = testChart();
  new RedisStore(chart, 'Redis', {
    partOf: 'ecommerce',
    password: { secret: kplus.Secret.fromSecretName(chart, 'RedisPassword', 'redis-password'), key: 'password' },
    resources: { cpuRequest: kplus.Cpu.millis(250), cpuLimit: kplus.Cpu.millis(1000), memoryRequest: Size.gibibytes(1), memoryLimit: Size.gibibytes(2) },
    maxMemory: Size.mebibytes(1536),
    storage: Size.gibibytes(20),
    storageClassName: 'fast-ssd',
    ...overrides,
  });
  return { objects: synthChart(chart), chart };
}

describe('RedisStore', () => {
  const { objects, chart } = render();
  const d = findObject(objects, 'Deployment', 'redis');
  const c = d.spec.template.spec.containers[0];

  test('Deployment and Service redis, label app: redis, one pod replaced with Recreate', () => {
    expect(d.spec.template.metadata.labels.app).toBe('redis');
    expect([d.spec.replicas, d.spec.strategy.type]).toEqual([1, 'Recreate']);
    const svc = findObject(objects, 'Service', 'redis');
    expect(svc.spec.ports).toEqual([{ name: 'redis', port: 6379, targetPort: 6379, protocol: 'TCP' }]);
    expect(selects(svc.spec.selector, d.spec.template.metadata.labels)).toBe(true);
    expect(c.image).toBe('redis:7.2.5-alpine');
  });

  test('persists on PVC redis-pvc with the configured maxmemory and policy', () => {
    expect(findObject(objects, 'PersistentVolumeClaim', 'redis-pvc').spec.resources).toEqual({ requests: { storage: '20Gi' } });
    expect(d.spec.template.spec.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'redis-pvc', readOnly: false } });
    const conf = findObject(objects, 'ConfigMap', 'redis-config').data['redis.conf'];
    expect(conf).toContain('maxmemory 1536mb\nmaxmemory-policy noeviction\n');
    expect(conf).toContain('appendonly yes');
    expect(findObject(render({ maxMemoryPolicy: 'allkeys-lru' }).objects, 'ConfigMap', 'redis-config').data['redis.conf']).toContain('maxmemory-policy allkeys-lru');
  });

  test('the password comes from Secret redis-password key password, never from the manifests', () => {
    const env = Object.fromEntries(c.env.map((e: K8sObject) => [e.name, e.valueFrom.secretKeyRef]));
    expect(env).toEqual({ REDIS_PASSWORD: { name: 'redis-password', key: 'password' }, REDISCLI_AUTH: { name: 'redis-password', key: 'password' } });
    expect(c.command[2]).toContain('requirepass');
    expect(SecretReferences.of(chart).list()).toEqual([
      { namespace: 'ecommerce', name: 'redis-password', keys: ['password'], wholeSecret: false, referencedBy: ['test/Redis'] },
    ]);
  });

  test('probes need a PONG, and the pod is restricted', () => {
    expect(c.livenessProbe.exec.command).toEqual(['/bin/sh', '-c', 'redis-cli -h 127.0.0.1 ping | grep -q PONG']);
    expect(c.readinessProbe.exec.command).toEqual(c.livenessProbe.exec.command);
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 999 });
  });

  test('rejects maxmemory at the memory limit', () => {
    expect(() => render({ maxMemory: Size.gibibytes(2) })).toThrow('[test/Redis] maxMemory: must be positive and below the memory limit (2Gi), got 2Gi');
  });

  test('rejects an unknown eviction policy', () => {
    expect(() => render({ maxMemoryPolicy: 'random' as never })).toThrow('[test/Redis] maxMemoryPolicy: must be one of "noeviction", "allkeys-lru", "volatile-lru", "allkeys-lfu", "volatile-lfu", "volatile-ttl", got "random"');
  });
});
