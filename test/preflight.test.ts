import { contractOf } from './preflight-contract';

describe('preflight contract', () => {
  const prod = contractOf('prod');
  const descriptions = prod.checks.map((c) => `${c.severity} ${c.description}`);

  test('checks the seed\'s list from the construct tree: context, namespaces, Secrets with keys, ConfigMaps, PVCs, CRDs, TLS', () => {
    expect(prod.checks[0]).toEqual({ severity: 'error', description: 'kubectl context is production-cluster', args: ['config', 'current-context'], expect: { type: 'equals', value: 'production-cluster' } });
    expect(descriptions).toEqual(expect.arrayContaining([
      'error Namespace ecommerce exists',
      'error Secret ecommerce/laravel-secrets exists with keys app-key, db-host, db-password, db-user',
      'error Secret ecommerce/stripe-api-keys exists with keys secret-key, webhook-secret',
      'error Secret ecommerce/redis-password exists with keys password',
      'warning ConfigMap ecommerce/laravel-config exists',
      'warning ConfigMap ecommerce/nginx-config exists',
      'warning PVC ecommerce/mysql-pvc is Bound',
      'warning PVC ecommerce/redis-pvc is Bound',
      'error StorageClass fast-ssd exists',
      'error CRDs serve cert-manager.io/v1 (Certificate)',
      'error ClusterIssuer letsencrypt-prod of Certificate ecommerce/ecommerce-tls exists',
      'warning Certificate ecommerce/ecommerce-tls is Ready',
    ]));
  });

  test('follows the environment: staging needs the Chaos Mesh and prometheus-operator CRDs, dev has its own context', () => {
    const staging = contractOf('staging').checks.map((c) => c.description);
    expect(staging).toContain('CRDs serve chaos-mesh.org/v1alpha1 (PodChaos)');
    expect(staging.some((d) => d.startsWith('CRDs serve monitoring.coreos.com/v1 ('))).toBe(true);
    expect(descriptions.some((d) => d.includes('chaos-mesh.org'))).toBe(false);
    expect(contractOf('dev').context).toBe('dev-cluster');
  });

  test('operator mode requires the cluster\'s kube-state-metrics to export the rollback record ReleaseRolledBack reads', () => {
    const ksm = (name: 'dev' | 'staging' | 'prod') => contractOf(name).checks.filter((c) => c.description.startsWith('kube-state-metrics exports'));
    expect(ksm('staging')).toEqual([{
      severity: 'error',
      description: 'kube-state-metrics exports the Service annotations delivery.ecommerce-platform/rollback-reason, delivery.ecommerce-platform/rolled-back'
        + ' (kube-prometheus-stack value kube-state-metrics.metricAnnotationsAllowList: ["services=[delivery.ecommerce-platform/rollback-reason,delivery.ecommerce-platform/rolled-back]"])',
      args: ['get', 'deployments', '--all-namespaces', '-l', 'app.kubernetes.io/name=kube-state-metrics', '-o', 'jsonpath={.items[*].spec.template.spec.containers[*].args}'],
      expect: { type: 'contains', values: ['--metric-annotations-allowlist=', 'delivery.ecommerce-platform/rollback-reason', 'delivery.ecommerce-platform/rolled-back'] },
    }]);
    // prod renders its own kube-state-metrics with the flag; dev has no verified switch.
    expect(ksm('prod')).toEqual([]);
    expect(ksm('dev')).toEqual([]);
  });
});
