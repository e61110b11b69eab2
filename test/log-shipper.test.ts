import { LogShipper, alloyConfig } from '../lib/observability/log-shipper';
import { SMALL_RESOURCES, findObject, selects, synthChart, testChart } from './helpers';

const PUSH = 'http://loki.monitoring.svc:3100/loki/api/v1/push';
const props = { partOf: 'ecommerce', image: 'grafana/alloy:v1.4.2', resources: SMALL_RESOURCES, lokiPushUrl: PUSH, podLabels: ['app', 'colour'] };

describe('LogShipper', () => {
  const c = testChart();
  new LogShipper(c, 'Alloy', props);
  const objects = synthChart(c);
  const ds = findObject(objects, 'DaemonSet', 'alloy');
  const pod = ds.spec.template.spec;

  test('the pipeline discovers this node\'s pods, tails them through the API and pushes to Loki', () => {
    const config = findObject(objects, 'ConfigMap', 'alloy-config').data['config.alloy'] as string;
    expect(config).toBe(alloyConfig(PUSH, ['app', 'colour']));
    expect(config).toContain('field = "spec.nodeName=" + env("NODE_NAME")');
    expect(config).toContain('loki.source.kubernetes "pods" {\n  targets    = discovery.relabel.pods.output\n  forward_to = [loki.write.default.receiver]\n}');
    expect(config).toContain(`url = "${PUSH}"`);
    expect(config).toContain('source_labels = ["__meta_kubernetes_pod_label_colour"]\n    target_label  = "colour"');
    expect(pod.containers[0].env).toEqual([{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }]);
  });

  test('restricted: no hostPath, non-root, read-only root filesystem, probed on /-/ready', () => {
    expect(pod.volumes.map((v: { hostPath?: unknown }) => v.hostPath).filter(Boolean)).toEqual([]);
    expect(pod.hostNetwork).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 473 });
    const container = pod.containers[0];
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] } });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/-/ready', port: 'http', scheme: 'HTTP' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/-/ready', port: 'http', scheme: 'HTTP' });
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
    expect(selects(ds.spec.selector.matchLabels, ds.spec.template.metadata.labels)).toBe(true);
    expect(ds.spec.template.metadata.labels['cdk8s.io/metadata.addr']).toBeUndefined();
  });

  test('its ClusterRole reads pods and their logs, nothing else', () => {
    expect(findObject(objects, 'ClusterRole', 'alloy').rules).toEqual([
      { apiGroups: [''], resourceNames: [], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resourceNames: [], resources: ['pods/log'], verbs: ['get'] },
    ]);
    const binding = findObject(objects, 'ClusterRoleBinding', 'alloy');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'alloy', namespace: 'ecommerce', apiGroup: '' }]);
    expect(pod.serviceAccountName).toBe('alloy');
    expect(pod.automountServiceAccountToken).toBe(true);
  });

  test('rejects a push URL that is not Loki\'s push API and a bad label', () => {
    expect(() => new LogShipper(testChart(), 'A', { ...props, lokiPushUrl: 'http://loki:3100' }))
      .toThrow('[test/A] lokiPushUrl: must be an http(s) URL ending in /loki/api/v1/push, got "http://loki:3100"');
    expect(() => new LogShipper(testChart(), 'A', { ...props, podLabels: ['app', 'app'] }))
      .toThrow('[test/A] podLabels[1]: must be a unique Loki label name ([a-z_][a-z0-9_]*), got "app"');
  });
});
