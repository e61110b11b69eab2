import { Size } from 'cdk8s';
import { ENVIRONMENTS, EnvironmentConfig, EnvironmentName, loadEnvironment } from '../stacks/config';
import { buildEnvironment } from '../stacks/platform';
import { App } from 'cdk8s';
import { shippedEnvironments } from './environment-helpers';
import { K8sObject, findObject, ofKind, podTemplates, selects, nonEmpty } from './helpers';

const environments = shippedEnvironments();

describe.each(environments)('%s workers, data and cluster add-ons', (name, objects) => {
  const config = ENVIRONMENTS[name];

  test('render the names the platform relies on', () => {
    findObject(objects, 'Deployment', 'laravel-worker');
    findObject(objects, 'Deployment', 'laravel-scheduler');
    findObject(objects, 'StatefulSet', 'mysql-primary');
    expect(findObject(objects, 'Service', 'mysql-primary').spec.clusterIP).toBe('None');
    findObject(objects, 'Service', 'mysql-replicas');
    findObject(objects, 'PersistentVolumeClaim', 'mysql-pvc');
    findObject(objects, 'PersistentVolumeClaim', 'redis-pvc');
    expect(findObject(objects, 'Deployment', 'redis').spec.template.metadata.labels.app).toBe('redis');
    // The seed's validation script reads REDIS_HOST from laravel-config and connects to that Service.
    findObject(objects, 'Service', findObject(objects, 'ConfigMap', 'laravel-config').data.REDIS_HOST);
  });

  test('every StatefulSet\'s serviceName is a headless Service that exists and selects its pods', () => {
    for (const sts of nonEmpty(ofKind(objects, 'StatefulSet'), 'StatefulSet')) {
      const svc = findObject(objects, 'Service', sts.spec.serviceName);
      expect([svc.metadata.name, svc.spec.clusterIP]).toEqual([sts.spec.serviceName, 'None']);
      expect(selects(svc.spec.selector, sts.spec.template.metadata.labels)).toBe(true);
    }
  });

  test('MySQL server-ids are unique and the replica count is the configured one', () => {
    const ids = ofKind(objects, 'ConfigMap').filter((cm) => cm.metadata.name.startsWith('mysql-'))
      .flatMap((cm) => Object.values(cm.data as Record<string, string>)).map((cnf) => /^server-id=(\d+)$/m.exec(cnf)?.[1]).filter((x) => x !== undefined);
    expect(ids).toHaveLength(config.mysql.replicas + 1);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ofKind(objects, 'StatefulSet').filter((s) => s.spec.template.metadata.labels.role === 'replica')).toHaveLength(config.mysql.replicas);
  });

  test('the worker image is pinned where the environment pins images', () => {
    const image = findObject(objects, 'Deployment', 'laravel-worker').spec.template.spec.containers[0].image;
    expect(image).toBe(`${config.workers.imageRepository}:${config.workers.imageTag}`);
    if (config.requirePinnedImages) {
      expect(config.workers.imageTag).toMatch(/^v\d+\.\d+\.\d+/);
    }
    for (const t of nonEmpty(podTemplates(objects).filter((p) => p.owner.metadata.namespace !== undefined), 'pod template')) {
      for (const c of t.template.spec.containers) {
        expect(c.image).not.toMatch(/:latest$/);
      }
    }
  });

  test('every Secret key the new tiers read is recorded', () => {
    const secrets = buildEnvironment(new App(), config).secrets.list();
    const keys = (secret: string) => secrets.find((s) => s.name === secret)?.keys ?? [];
    expect(keys('mysql-secret')).toEqual(['replication-password', 'root-password']);
    expect(keys('redis-password')).toEqual(['password']);
    expect(keys('laravel-secrets')).toEqual(expect.arrayContaining(['app-key', 'db-host', 'db-password', 'db-user']));
  });
});

// HPAs exist where the web tier or the workers autoscale; dev runs fixed sizes.
describe.each(environments.filter(([name]) => ENVIRONMENTS[name].web.autoscaling !== undefined || ENVIRONMENTS[name].workers.autoscaling !== undefined))('%s autoscaling', (_name, objects) => {
  test('every HPA targets an existing workload whose containers request what its Resource metrics measure', () => {
    for (const hpa of nonEmpty(ofKind(objects, 'HorizontalPodAutoscaler'), 'HorizontalPodAutoscaler')) {
      const target = findObject(objects, hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name);
      expect(target.spec.replicas).toBeUndefined();
      for (const metric of hpa.spec.metrics.filter((m: K8sObject) => m.type === 'Resource')) {
        for (const c of target.spec.template.spec.containers) {
          expect([hpa.metadata.name, c.name, c.resources.requests[metric.resource.name]]).toEqual([hpa.metadata.name, c.name, expect.any(String)]);
        }
      }
    }
  });
});

describe('environment differences in the data tier', () => {
  const byName = Object.fromEntries(environments) as Record<EnvironmentName, K8sObject[]>;

  test('dev runs one small MySQL without replicas; prod a primary and two replicas on 100Gi fast-ssd', () => {
    expect(ofKind(byName.dev, 'StatefulSet').map((s) => s.metadata.name)).toEqual(['mysql-primary']);
    expect(ofKind(byName.prod, 'StatefulSet').map((s) => s.metadata.name)).toEqual(['mysql-primary', 'mysql-replica-1', 'mysql-replica-2']);
    const pvc = findObject(byName.prod, 'PersistentVolumeClaim', 'mysql-pvc').spec;
    expect([pvc.storageClassName, pvc.resources.requests.storage]).toEqual(['fast-ssd', '100Gi']);
  });

  test('only prod renders the cluster autoscaler, in kube-system', () => {
    expect(findObject(byName.prod, 'Deployment', 'cluster-autoscaler').metadata.namespace).toBe('kube-system');
    expect(ofKind(byName.dev, 'Deployment').filter((d) => d.metadata.name === 'cluster-autoscaler')).toEqual([]);
    expect(ofKind(byName.staging, 'Deployment').filter((d) => d.metadata.name === 'cluster-autoscaler')).toEqual([]);
  });

  test('prod workers scale 1-5 on the queue length as seed 000, through KEDA reading the queues\' lists', () => {
    const scaled = findObject(byName.prod, 'ScaledObject', 'laravel-worker');
    expect([scaled.spec.minReplicaCount, scaled.spec.maxReplicaCount, scaled.spec.advanced.horizontalPodAutoscalerConfig.name]).toEqual([1, 5, 'laravel-worker-hpa']);
    expect(scaled.spec.triggers.map((t: { metadata: { listName: string } }) => t.metadata.listName))
      .toEqual(['laravel_database_queues:high', 'laravel_database_queues:default', 'laravel_database_queues:low']);
    expect(findObject(byName.dev, 'Deployment', 'laravel-worker').spec.replicas).toBe(1);
  });
});

describe('environment configuration of the new tiers', () => {
  const variant = (name: EnvironmentName, patch: Partial<EnvironmentConfig>): () => EnvironmentConfig =>
    () => loadEnvironment(name, { [name]: { ...ENVIRONMENTS[name], ...patch } });
  const prod = ENVIRONMENTS.prod;
  const cases: Array<[string, () => EnvironmentConfig, string]> = [
    ['a moving worker tag in prod', variant('prod', { workers: { ...prod.workers, imageTag: 'latest' } }),
      '[environment prod] workers.imageTag: must be pinned to a semantic version (v1.2.3) or a sha256 digest, got "latest"'],
    ['workers with both replicas and autoscaling', variant('prod', { workers: { ...prod.workers, replicas: 2 } }),
      '[environment prod] workers.replicas: give exactly one of replicas and autoscaling'],
    ['crossed worker bounds', variant('prod', { workers: { ...prod.workers, autoscaling: { metric: 'queueLength', minReplicas: 6, maxReplicas: 5 } } }),
      '[environment prod] workers.autoscaling.minReplicas: must not exceed maxReplicas (5), got 6'],
    ['an unknown database engine', variant('prod', { mysql: { ...prod.mysql, engine: 'oracle' as never } }),
      '[environment prod] mysql.engine: must be one of "mysql", "mariadb", got "oracle"'],
    ['ten replicas', variant('prod', { mysql: { ...prod.mysql, replicas: 10 } }), '[environment prod] mysql.replicas: must be an integer from 0 to 9, got 10'],
    ['a buffer pool at the memory limit', variant('prod', { mysql: { ...prod.mysql, replicaBufferPool: Size.gibibytes(4) } }),
      '[environment prod] mysql.primaryBufferPool: must be below the memory limit (4Gi) for primary and replicas'],
    ['Redis maxmemory at its limit', variant('prod', { redis: { ...prod.redis, maxMemory: Size.gibibytes(2) } }),
      '[environment prod] redis.maxMemory: must be below the memory limit (2Gi), got 2Gi'],
    ['an empty autoscaler provider', variant('prod', { clusterAutoscaler: { ...prod.clusterAutoscaler!, cloudProvider: '' } }),
      '[environment prod] clusterAutoscaler.cloudProvider: required, got ""'],
  ];
  test.each(cases)('rejects %s', (_what, load, message) => {
    expect(load).toThrow(message);
  });
});
