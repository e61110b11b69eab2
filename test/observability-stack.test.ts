import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ClusterRequirements } from '../lib/core/cluster-requirements';
import { RegistryOwner } from '../lib/core/registry-owner';
import { ClusterAutoscaler } from '../lib/cluster/cluster-autoscaler';
import { ObservabilityMode, ObservabilityStack, StandaloneObservabilityOptions } from '../lib/observability/observability-stack';
import { renderCharts } from '../lib/render/manifest-writer';
import { NetworkConnections } from '../lib/safety/network-connections';
import { Policy } from '../lib/safety/policy';
import { BlueGreenApp } from '../lib/web/blue-green-app';
import { K8sObject, ofKind } from './helpers';

const resources = { cpuRequest: Cpu.millis(100), cpuLimit: Cpu.millis(500), memoryRequest: Size.mebibytes(128), memoryLimit: Size.mebibytes(256) };

/** What a consumer writes for one app: the app, a monitoring chart and one ObservabilityStack. */
function build(mode: ObservabilityMode) {
  const root = new Construct(new App(), 'team');
  RegistryOwner.declare(root);
  const shop = new Chart(root, 'Shop', { namespace: 'shop', disableResourceNameHashes: true });
  const app = new BlueGreenApp(shop, 'Storefront', {
    name: 'storefront', imageRepository: 'ghcr.io/acme/storefront', blueImageTag: 'v1.0.0', greenImageTag: 'v1.0.0',
    liveColour: 'blue', resources, autoscaling: { minReplicas: 2, maxReplicas: 4 }, idleReplicas: 1,
  });
  const monitoring = new Chart(root, 'Monitoring', { namespace: 'monitoring', disableResourceNameHashes: true });
  const stack = new ObservabilityStack(monitoring, 'Observability', { partOf: 'shop', mode, apps: [{ app }] });
  const files = renderCharts(root);
  return { root, stack, files, objects: files.flatMap((f) => f.objects as K8sObject[]) };
}

describe('ObservabilityStack', () => {
  describe('standalone, every default', () => {
    const { root, stack, files, objects } = build(ObservabilityMode.standalone({ clusterNodesCidr: '10.0.0.0/16' }));

    test('renders Prometheus, Alertmanager, Grafana, Loki, Alloy, Jaeger and kube-state-metrics', () => {
      const workloads = [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'StatefulSet'), ...ofKind(objects, 'DaemonSet')].map((o) => o.metadata.name).sort();
      expect(workloads).toEqual(expect.arrayContaining(['alertmanager', 'grafana', 'kube-state-metrics', 'loki', 'prometheus-server']));
      expect(workloads.some((n) => n.includes('alloy'))).toBe(true);
      expect(workloads.some((n) => n.includes('jaeger'))).toBe(true);
      expect(stack.operatorMonitors).toBeUndefined();
    });

    test('scrapes the app as job <app name> with its colour label', () => {
      expect(stack.workloadTargets).toEqual([expect.objectContaining({ job: 'storefront', namespace: 'shop', podTargetLabels: ['app', 'colour'] })]);
    });

    test('declares the network flows, the app\'s traces to Jaeger included', () => {
      const reasons = NetworkConnections.of(root).connections().map((c) => c.reason);
      expect(reasons).toEqual(expect.arrayContaining(['scrape job kube-state-metrics', 'OTLP traces over gRPC', 'log pushes']));
    });

    test('its defaults pass the library\'s policy', () => {
      expect(() => Policy.of(root).check(files).throwIfErrors(root.node.path)).not.toThrow();
    });
  });

  test('operator mode renders monitors and sidecar dashboards only, no servers', () => {
    const { stack, objects } = build(ObservabilityMode.operator({ prometheusUrl: 'http://prometheus.monitoring.svc:9090', selector: { release: 'kps' } }));
    expect(stack.operatorMonitors).toBeDefined();
    expect(ofKind(objects, 'PodMonitor').length + ofKind(objects, 'ServiceMonitor').length).toBeGreaterThan(0);
    expect(ofKind(objects, 'Deployment').filter((d) => d.metadata.namespace === 'monitoring')).toEqual([]);
    expect(ofKind(objects, 'StatefulSet')).toEqual([]);
  });

  test('operator mode cannot flag kube-state-metrics, so it requires the annotations of the cluster\'s one', () => {
    const operator = (annotations?: string[]) => build(ObservabilityMode.operator({
      prometheusUrl: 'http://prometheus.monitoring.svc:9090', selector: { release: 'kps' }, kubeStateMetricsServiceAnnotations: annotations,
    }));
    expect(ClusterRequirements.of(operator().root).list()).toEqual([]);
    const [requirement, ...others] = ClusterRequirements.of(operator(['example.com/b', 'example.com/a', 'example.com/b']).root).list();
    expect(others).toEqual([]);
    expect(requirement.description).toBe('kube-state-metrics exports the Service annotations example.com/a, example.com/b'
      + ' (kube-prometheus-stack value kube-state-metrics.metricAnnotationsAllowList: ["services=[example.com/a,example.com/b]"])');
    expect(requirement.expect).toEqual({ type: 'contains', values: ['--metric-annotations-allowlist=', 'example.com/a', 'example.com/b'] });
    expect(() => operator(['not a key'])).toThrow('[team/Monitoring/Observability] mode.kubeStateMetricsServiceAnnotations[0]: ');
  });

  describe('two setups in one App', () => {
    /** A team's monitoring in `namespace`, with its own cluster autoscaler RBAC name. */
    const team = (app: App, id: string, namespace: string, options: Partial<StandaloneObservabilityOptions> = {}) => {
      const root = new Construct(app, id);
      RegistryOwner.declare(root);
      const chart = new Chart(root, 'Monitoring', { namespace, disableResourceNameHashes: true });
      const stack = new ObservabilityStack(chart, 'Observability', { partOf: id, mode: ObservabilityMode.standalone({ clusterNodesCidr: '10.0.0.0/16', ...options }) });
      new ClusterAutoscaler(chart, 'Autoscaler', {
        cloudProvider: 'aws', nodeGroupAutoDiscovery: 'asg:tag=k8s.io/cluster-autoscaler/enabled', resources, clusterRoleName: `${id}-cluster-autoscaler`,
      });
      return { root, stack, objects: renderCharts(root).flatMap((f) => f.objects as K8sObject[]) };
    };
    const app = new App();
    const a = team(app, 'team-a', 'monitoring-a');
    const names = { prometheus: 'metrics', prometheusConfig: 'metrics-config', rules: 'metrics-rules', alertmanager: 'alerts', alertmanagerConfig: 'alerts-config',
      grafana: 'dashboards', loki: 'logs', jaeger: 'traces', kubeStateMetrics: 'cluster-state', alloy: 'log-agent' };
    const b = team(app, 'team-b', 'monitoring-b', { clusterObjectPrefix: 'team-b-', names });
    const clusterScoped = ['ClusterRole', 'ClusterRoleBinding', 'Namespace'];

    test('synthesize without a duplicate cluster-scoped or namespaced object', () => {
      const all = [...a.objects, ...b.objects];
      const cluster = all.filter((o) => clusterScoped.includes(o.kind)).map((o) => `${o.kind} ${o.metadata.name}`);
      expect(cluster.filter((k) => k.startsWith('ClusterRole ')).length).toBeGreaterThanOrEqual(8);
      expect(cluster.filter((k, i) => cluster.indexOf(k) !== i)).toEqual([]);
      const namespaced = all.filter((o) => !clusterScoped.includes(o.kind)).map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`);
      expect(namespaced.filter((k, i) => namespaced.indexOf(k) !== i)).toEqual([]);
      expect(a.objects.filter((o) => o.kind === 'ClusterRole').map((o) => o.metadata.name).sort()).toEqual([
        'monitoring-a-alloy', 'monitoring-a-kube-state-metrics', 'monitoring-a-prometheus-server', 'team-a-cluster-autoscaler']);
      expect(b.objects.filter((o) => o.kind === 'ClusterRole').map((o) => o.metadata.name).sort()).toEqual([
        'team-b-cluster-autoscaler', 'team-b-cluster-state', 'team-b-log-agent', 'team-b-metrics']);
      expect(ofKind(b.objects, 'ClusterRoleBinding').find((o) => o.metadata.name === 'team-b-cluster-autoscaler')!.roleRef.name).toBe('team-b-cluster-autoscaler');
    });

    test('names every namespaced object of a server after the name given, and wires the others to it', () => {
      const workloads = [...ofKind(b.objects, 'Deployment'), ...ofKind(b.objects, 'DaemonSet')].map((o) => o.metadata.name).sort();
      expect(workloads).toEqual(['alerts', 'cluster-autoscaler', 'cluster-state', 'dashboards', 'log-agent', 'logs', 'metrics', 'traces']);
      expect(ofKind(b.objects, 'Service').map((o) => o.metadata.name).sort()).toEqual(['alerts', 'cluster-state', 'dashboards', 'logs', 'metrics', 'traces', 'traces-collector']);
      const volumes = (name: string) => ofKind(b.objects, 'Deployment').find((o) => o.metadata.name === name)!.spec.template.spec.volumes as K8sObject[];
      expect(volumes('metrics').map((v) => v.configMap?.name).filter(Boolean).sort()).toEqual(['metrics-config', 'metrics-rules']);
      expect(volumes('alerts').map((v) => v.configMap?.name).filter(Boolean)).toEqual(['alerts-config']);
      expect(b.stack.prometheus!.configDocument.alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: ['alerts:9093'] }] }] });
      expect(ofKind(b.objects, 'ConfigMap').find((o) => o.metadata.name === 'dashboards-datasources')!.data['datasources.yaml'])
        .toContain('url: http://metrics.monitoring-b.svc:9090');
      const flow = NetworkConnections.of(b.root).connections().find((c) => c.reason === 'alerts to Alertmanager');
      expect(JSON.stringify(flow)).toContain('"alerts"');
      // Nothing of team b kept a default name.
      const defaults = ['prometheus-server', 'prometheus-config', 'prometheus-rules', 'alertmanager', 'alertmanager-config', 'grafana', 'loki', 'jaeger', 'kube-state-metrics', 'alloy'];
      expect(b.objects.filter((o) => defaults.includes(o.metadata.name)).map((o) => `${o.kind} ${o.metadata.name}`)).toEqual([]);
    });

    test('rejects a name that is not a DNS label', () => {
      expect(() => team(new App(), 'team-c', 'monitoring-c', { names: { grafana: 'Grafana!' } })).toThrow('[team-c/Monitoring/Observability] mode.names.grafana: must be a DNS-1123 label');
    });
  });

  test('rejects a mode that is not built with ObservabilityMode', () => {
    const chart = new Chart(new App(), 'M', { namespace: 'monitoring' });
    expect(() => new ObservabilityStack(chart, 'Observability', { partOf: 'shop', mode: { kind: 'both' } as unknown as ObservabilityMode }))
      .toThrow('[M/Observability] mode.kind: ');
  });
});
