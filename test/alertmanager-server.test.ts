import { Size } from 'cdk8s';
import { AlertmanagerServer } from '../lib/observability/alertmanager-server';
import { SecretReferences } from '../lib/core/secret-references';
import { SMALL_RESOURCES, findObject, synthChart, testChart } from './helpers';

const props = { partOf: 'ecommerce', image: 'prom/alertmanager:v0.27.0', resources: SMALL_RESOURCES, storageSize: Size.gibibytes(2) };

describe('AlertmanagerServer', () => {
  test('mounts its config ConfigMap and the receiver credentials Secret, persists silences, serves 9093', () => {
    const c = testChart();
    new AlertmanagerServer(c, 'Alertmanager', props);
    const objects = synthChart(c);
    const pod = findObject(objects, 'Deployment', 'alertmanager').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'alertmanager-config', configMap: { name: 'alertmanager-config' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/alertmanager' });
    expect(pod.containers[0].args).toEqual([
      '--config.file=/etc/alertmanager/config/alertmanager.yml', '--storage.path=/alertmanager', '--web.listen-address=:9093', '--cluster.listen-address=',
    ]);
    expect(findObject(objects, 'Service', 'alertmanager').spec.ports[0].port).toBe(9093);
    expect(findObject(objects, 'PersistentVolumeClaim', 'alertmanager-data').spec.resources.requests.storage).toBe('2Gi');
    expect(SecretReferences.of(c).list().map((r) => r.name)).toEqual(['alertmanager-receivers']);
  });

  test('rejects an unpinned image', () => {
    expect(() => new AlertmanagerServer(testChart(), 'A', { ...props, image: 'prom/alertmanager' }))
      .toThrow('[test/A] image: must be an image pinned to a semantic version or digest ("prom/prometheus:v2.53.2"), got "prom/alertmanager"');
  });
});
