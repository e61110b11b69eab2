import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as YAML from 'yaml';
import { GrafanaDashboard } from '../lib/observability/grafana-dashboard';
import { GrafanaProvisioning } from '../lib/observability/grafana-provisioning';
import { GrafanaServer } from '../lib/observability/grafana-server';
import { SecretReferences } from '../lib/core/secret-references';
import { SMALL_RESOURCES, findObject, synthChart, testChart } from './helpers';

function build(image = 'grafana/grafana:11.2.0') {
  const c = testChart();
  const d = new GrafanaDashboard({ uid: 'd1', title: 'D' });
  d.addStat({ title: 'S', queries: [{ expr: 'up' }] });
  const provisioning = new GrafanaProvisioning(c, 'P', {
    partOf: 'ecommerce', dashboards: [d],
    datasources: [{ name: 'Prometheus', type: 'prometheus', uid: 'prometheus', url: 'http://prometheus-server:9090' }],
  });
  const admin = kplus.Secret.fromSecretName(c, 'Admin', 'grafana-admin');
  new GrafanaServer(c, 'Grafana', {
    partOf: 'ecommerce', image, resources: SMALL_RESOURCES, storageSize: Size.gibibytes(10), provisioning,
    adminUser: { secret: admin, key: 'admin-user' }, adminPassword: { secret: admin, key: 'admin-password' },
  });
  return c;
}

describe('GrafanaServer', () => {
  test('provisions datasources and dashboards from ConfigMaps and reads admin credentials from a Secret', () => {
    const c = build();
    const objects = synthChart(c);
    const pod = findObject(objects, 'Deployment', 'grafana').spec.template.spec;
    const mounts = pod.containers[0].volumeMounts.map((m: { mountPath: string }) => m.mountPath).sort();
    expect(mounts).toEqual(['/etc/grafana/dashboards/d1', '/etc/grafana/provisioning/dashboards', '/etc/grafana/provisioning/datasources', '/tmp', '/var/lib/grafana']);
    const provider = YAML.parse(findObject(objects, 'ConfigMap', 'grafana-dashboard-provider').data['dashboards.yaml']);
    expect(provider.providers[0]).toMatchObject({ type: 'file', options: { path: '/etc/grafana/dashboards' } });
    expect(pod.containers[0].env).toContainEqual({ name: 'GF_SECURITY_ADMIN_USER', valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'admin-user' } } });
    expect(pod.securityContext.runAsUser).toBe(472);
    expect(findObject(objects, 'Service', 'grafana').spec.ports[0].port).toBe(3000);
    expect(findObject(objects, 'PersistentVolumeClaim', 'grafana-data').spec.resources.requests.storage).toBe('10Gi');
    expect(SecretReferences.of(c).list()).toEqual([{ namespace: 'ecommerce', name: 'grafana-admin', keys: ['admin-password', 'admin-user'], wholeSecret: false, referencedBy: ['test/Grafana'] }]);
  });

  test('rejects an unpinned image', () => {
    expect(() => build('grafana/grafana:latest')).toThrow('[test/Grafana] image: must be an image pinned to a semantic version or digest ("prom/prometheus:v2.53.2"), got "grafana/grafana:latest"');
  });
});
