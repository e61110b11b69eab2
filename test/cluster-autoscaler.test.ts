import { Chart, App, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ClusterAutoscaler, ClusterAutoscalerProps } from '../lib/cluster/cluster-autoscaler';
import { K8sObject, findObject, synthChart } from './helpers';

function render(overrides: Partial<ClusterAutoscalerProps> = {}): K8sObject[] {
  const chart = new Chart(new App(), 'addons', { namespace: 'kube-system', disableResourceNameHashes: true });
  new ClusterAutoscaler(chart, 'ClusterAutoscaler', {
    cloudProvider: 'aws',
    nodeGroupAutoDiscovery: 'asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/production-cluster',
    resources: { cpuRequest: kplus.Cpu.millis(100), cpuLimit: kplus.Cpu.millis(100), memoryRequest: Size.mebibytes(600), memoryLimit: Size.mebibytes(600) },
    ...overrides,
  });
  return synthChart(chart);
}

describe('ClusterAutoscaler', () => {
  const objects = render();
  const d = findObject(objects, 'Deployment', 'cluster-autoscaler');
  const c = d.spec.template.spec.containers[0];

  test('renders seed 000\'s objects, all named cluster-autoscaler in kube-system', () => {
    for (const kind of ['ServiceAccount', 'ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding', 'Deployment']) {
      expect(findObject(objects, kind, 'cluster-autoscaler').metadata.name).toBe('cluster-autoscaler');
    }
    expect(findObject(objects, 'Role', 'cluster-autoscaler').metadata.namespace).toBe('kube-system');
    expect(findObject(objects, 'ClusterRoleBinding', 'cluster-autoscaler').subjects).toEqual([{ kind: 'ServiceAccount', name: 'cluster-autoscaler', namespace: 'kube-system' }]);
    expect(findObject(objects, 'ClusterRole', 'cluster-autoscaler').rules).toHaveLength(13);
  });

  test('runs v1.28.0 with the seed\'s flags, provider and discovery from config', () => {
    expect(c.image).toBe('registry.k8s.io/autoscaling/cluster-autoscaler:v1.28.0');
    expect(c.command).toEqual([
      './cluster-autoscaler', '--v=4', '--stderrthreshold=info', '--cloud-provider=aws', '--skip-nodes-with-local-storage=false',
      '--expander=least-waste', '--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/production-cluster',
      '--balance-similar-node-groups', '--skip-nodes-with-system-pods=false', '--scale-down-unneeded-time=10m', '--scale-down-delay-after-add=10m',
    ]);
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '600Mi' }, limits: { cpu: '100m', memory: '600Mi' } });
    expect(d.spec.template.spec.priorityClassName).toBe('system-cluster-critical');
  });

  test('mounts nothing from the host and meets Pod Security restricted', () => {
    expect(d.spec.template.spec.volumes ?? []).toEqual([]);
    expect(c.volumeMounts ?? []).toEqual([]);
    expect(d.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534 });
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.livenessProbe.httpGet).toEqual({ path: '/health-check', port: 'health' });
  });

  test('rejects an empty cloud provider', () => {
    expect(() => render({ cloudProvider: '' })).toThrow('[addons/ClusterAutoscaler] cloudProvider: required, got ""');
  });
});
