import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { AppNamespace, AppNamespaceProps } from '../lib/core/app-namespace';
import { SMALL_RESOURCES, findObject, synthChart, testChart } from './helpers';

const BASE: AppNamespaceProps = {
  name: 'ecommerce',
  partOf: 'ecommerce',
  quota: { requestsCpu: Cpu.units(4), limitsCpu: Cpu.units(8), requestsMemory: Size.gibibytes(8), limitsMemory: Size.gibibytes(16), pods: 30 },
  containerDefaults: SMALL_RESOURCES,
};

function render(overrides: Partial<AppNamespaceProps> = {}) {
  const chart = testChart();
  new AppNamespace(chart, 'Namespace', { ...BASE, ...overrides });
  return synthChart(chart);
}

describe('AppNamespace', () => {
  test('enforces, audits and warns at the restricted level pinned to v1.28, and is cluster-scoped', () => {
    const ns = findObject(render(), 'Namespace', 'ecommerce');
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.28',
      'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted',
    });
  });

  test('a declared level replaces restricted everywhere', () => {
    const ns = findObject(render({ podSecurity: 'baseline' }), 'Namespace', 'ecommerce');
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('baseline');
  });

  test('renders the quota and container defaults as Kubernetes quantities', () => {
    const objects = render();
    expect(findObject(objects, 'ResourceQuota', 'ecommerce-quota').spec.hard).toEqual({
      'requests.cpu': '4', 'limits.cpu': '8', 'requests.memory': '8Gi', 'limits.memory': '16Gi', 'pods': '30',
      'persistentvolumeclaims': '10', 'services.loadbalancers': '0', 'services.nodeports': '0',
    });
    expect(findObject(objects, 'LimitRange', 'ecommerce-limits').spec.limits).toEqual([{
      type: 'Container', defaultRequest: { cpu: '100m', memory: '128Mi' }, default: { cpu: '200m', memory: '256Mi' },
    }]);
  });

  test('rejects an invalid name', () => {
    expect(() => render({ name: 'E-Commerce' })).toThrow('[test/Namespace] name: must be a DNS-1123 label');
  });

  test('rejects a quota whose limit is below its request', () => {
    expect(() => render({ quota: { ...BASE.quota, limitsCpu: Cpu.units(2) } })).toThrow('[test/Namespace] quota.cpuLimit: must be at least cpuRequest (4), got 2');
  });

  test('rejects a quota of zero pods', () => {
    expect(() => render({ quota: { ...BASE.quota, pods: 0 } })).toThrow('[test/Namespace] quota.pods: must be an integer of at least 1, got 0');
  });

  test('rejects an unknown Pod Security level', () => {
    expect(() => render({ podSecurity: 'strict' as never })).toThrow('[test/Namespace] podSecurity: must be one of "privileged", "baseline", "restricted", got "strict"');
  });
});
