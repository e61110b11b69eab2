import { App } from 'cdk8s';
import * as YAML from 'yaml';
import { MetricProducers } from '../lib/alerting/metric-producers';
import { buildEnvironment } from '../stacks/platform';
import { ENVIRONMENTS, EnvironmentConfig, StandaloneMonitoringStack, loadEnvironment } from '../stacks/config';
import { shippedEnvironments, renderedFiles } from './environment-helpers';
import { K8sObject, findObject, ofKind, podTemplates, selects, nonEmpty } from './helpers';
import { isAllowed } from './network-policy-eval';
import { promqlErrors } from './promql';

const environments = shippedEnvironments();
const inFile = (name: string, file: string) => renderedFiles(ENVIRONMENTS[name as keyof typeof ENVIRONMENTS]).find((f) => f.fileName === file)!.objects as K8sObject[];

/** `host:port` -> the Service it names (`name`, `name.ns`, `name.ns.svc`), resolved from `namespace`. */
function serviceFor(objects: K8sObject[], address: string, namespace: string): { service?: K8sObject; port: number } {
  const [host, port] = address.replace(/^https?:\/\//, '').replace(/\/.*$/, '').split(':');
  const [name, ns = namespace] = host.split('.');
  const service = ofKind(objects, 'Service').find((s) => s.metadata.name === name && s.metadata.namespace === ns);
  return { service, port: Number(port) };
}

function exposes(service: K8sObject | undefined, port: number): boolean {
  return service !== undefined && service.spec.ports.some((p: { port: number }) => p.port === port);
}

function standaloneStack(config: EnvironmentConfig): StandaloneMonitoringStack {
  if (config.monitoring.mode !== 'standalone') {
    throw new Error(`${config.name} does not run standalone monitoring`);
  }
  return config.monitoring.stack;
}

function operatorSelector(config: EnvironmentConfig): Record<string, string> {
  if (config.monitoring.mode !== 'operator') {
    throw new Error(`${config.name} does not run operator monitoring`);
  }
  return config.monitoring.operatorSelector;
}

describe.each(environments)('%s monitoring', (name, objects) => {
  const config = ENVIRONMENTS[name];
  const standalone = config.monitoring.mode === 'standalone';

  test('every monitoring pod is restricted, pinned, sized from config and probed', () => {
    const names = [...inFile(name, 'monitoring.k8s.yaml'), ...inFile(name, 'monitoring-exporters.k8s.yaml')].map((o) => `${o.kind}/${o.metadata.name}`);
    for (const { owner, template } of nonEmpty(podTemplates(objects).filter((t) => names.includes(`${t.owner.kind}/${t.owner.metadata.name}`)), 'monitoring pod template')) {
      expect([owner.metadata.name, template.spec.securityContext.runAsNonRoot]).toEqual([owner.metadata.name, true]);
      for (const c of template.spec.containers) {
        expect(c.image).toMatch(/:v?\d+\.\d+\.\d+$/);
        expect(c.imagePullPolicy).toBe('IfNotPresent');
        expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        expect(Object.keys(c.resources).sort()).toEqual(['limits', 'requests']);
        expect(c.ports.map((p: { name: string }) => p.name)).toContain(c.readinessProbe.httpGet.port);
        expect(c.ports.map((p: { name: string }) => p.name)).toContain(c.livenessProbe.httpGet.port);
      }
      expect(selects(owner.spec.selector.matchLabels, template.metadata.labels)).toBe(true);
    }
  });

  test('every monitoring Service selects some pod and targets a port its pods declare', () => {
    const templates = nonEmpty(podTemplates(objects), 'pod template');
    for (const svc of nonEmpty(ofKind(inFile(name, 'monitoring.k8s.yaml').concat(inFile(name, 'monitoring-exporters.k8s.yaml')), 'Service'), 'monitoring Service')) {
      const pods = templates.filter((t) => t.owner.metadata.namespace === svc.metadata.namespace && selects(svc.spec.selector, t.template.metadata.labels));
      expect([svc.metadata.name, pods.length]).toEqual([svc.metadata.name, 1]);
      const declared = pods[0].template.spec.containers.flatMap((c: K8sObject) => c.ports.map((p: { containerPort: number }) => p.containerPort));
      for (const port of svc.spec.ports) {
        expect(declared).toContain(port.targetPort);
      }
    }
  });

  test('exporters read credentials from Secrets and run beside their servers', () => {
    const redis = findObject(objects, 'Deployment', 'redis-exporter');
    expect(redis.metadata.namespace).toBe(config.namespace);
    expect(redis.spec.template.spec.containers[0].env).toContainEqual({ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'redis-password', key: 'password' } } });
    const mysql = findObject(objects, 'Deployment', 'mysql-exporter');
    expect(mysql.spec.template.spec.containers[0].env).toEqual([{ name: 'MYSQLD_EXPORTER_PASSWORD', valueFrom: { secretKeyRef: { name: 'mysql-exporter-credentials', key: 'password' } } }]);
    expect(findObject(objects, 'Service', 'redis-exporter').spec.ports).toEqual([{ name: 'metrics', port: 9121, targetPort: 9121, protocol: 'TCP' }]);
    expect(findObject(objects, 'Service', 'mysql-exporter').spec.ports[0].port).toBe(9104);
  });

  test('no Secret with credentials is rendered and the seed\'s literal Grafana password appears nowhere', () => {
    // Standalone: not even the Alertmanager configuration, which carries no credentials and is a ConfigMap.
    // Operator mode: that configuration is the one Secret, because the Prometheus Operator reads it as one.
    const standalone = config.monitoring.mode === 'standalone';
    expect(ofKind(objects, 'Secret').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(standalone ? [] : ['monitoring/alertmanager-config']);
    const file = standalone ? findObject(objects, 'ConfigMap', 'alertmanager-config').data['alertmanager.yml']
      : findObject(objects, 'Secret', 'alertmanager-config').stringData['alertmanager.yaml'];
    expect(file).toContain('routing_key_file');
    expect(JSON.stringify(objects)).not.toContain('ChangeThisPassword123!');
  });

  test('dashboards are in ConfigMaps, their PromQL parses and their datasources are provisioned', () => {
    const cms = ofKind(objects, 'ConfigMap').filter((c) => c.metadata.name.startsWith('grafana-dashboard-') && c.metadata.name !== 'grafana-dashboard-provider');
    expect(cms.map((c) => c.metadata.name).sort()).toEqual(['grafana-dashboard-ecommerce-blue-green', 'grafana-dashboard-ecommerce-production', 'grafana-dashboard-ecommerce-slos']);
    const datasources = YAML.parse(findObject(objects, 'ConfigMap', 'grafana-datasources').data['datasources.yaml']).datasources as Array<{ uid: string; url: string }>;
    const uids = new Set(datasources.map((d) => d.uid));
    for (const cm of nonEmpty(cms, 'dashboard ConfigMap')) {
      const dashboard = JSON.parse(Object.values(cm.data)[0] as string);
      const ids = dashboard.panels.map((p: { id: number }) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const panel of dashboard.panels.filter((p: { type: string }) => p.type !== 'row')) {
        expect(['timeseries', 'stat']).toContain(panel.type);
        expect(uids.has(panel.datasource.uid)).toBe(true);
        for (const t of panel.targets) {
          expect(uids.has(t.datasource.uid)).toBe(true);
          expect([t.expr, promqlErrors(t.expr)]).toEqual([t.expr, []]);
        }
      }
    }
  });

  if (standalone) {
    test('renders the Deployments the seed\'s validation script checks, in namespace monitoring', () => {
      for (const d of ['prometheus-server', 'grafana', 'alertmanager', 'kube-state-metrics', 'loki', 'jaeger']) {
        expect(findObject(objects, 'Deployment', d).metadata.namespace).toBe('monitoring');
      }
      expect(findObject(objects, 'Namespace', 'monitoring').metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    });

    test('retention and storage follow the environment', () => {
      const stack = standaloneStack(config);
      const args = findObject(objects, 'Deployment', 'prometheus-server').spec.template.spec.containers[0].args;
      expect(args).toContain(`--storage.tsdb.retention.time=${stack.prometheus.retentionTime.toDays()}d`);
      expect(findObject(objects, 'PersistentVolumeClaim', 'prometheus-server-data').spec.resources.requests.storage).toBe(`${stack.prometheus.storageSize.toGibibytes()}Gi`);
      expect(findObject(objects, 'PersistentVolumeClaim', 'grafana-data').spec.resources.requests.storage).toBe(`${stack.grafana.storageSize.toGibibytes()}Gi`);
    });

    test('every scrape target and the Alertmanager address point at a Service port the output defines', () => {
      const prom = YAML.parse(findObject(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']);
      expect(prom.global).toEqual({ scrape_interval: '15s', evaluation_interval: '15s' });
      expect(prom.rule_files).toEqual(['/etc/prometheus/rules/*.yaml']);
      const addresses: string[] = [
        ...prom.scrape_configs.flatMap((j: K8sObject) => (j.static_configs ?? []).flatMap((s: { targets: string[] }) => s.targets)),
        ...prom.alerting.alertmanagers.flatMap((a: K8sObject) => a.static_configs.flatMap((s: { targets: string[] }) => s.targets)),
      ];
      // A probing exporter (mysqld-exporter probes every MySQL server) is reached at its relabelled address.
      const probed = prom.scrape_configs.filter((j: K8sObject) => j.metrics_path === '/probe');
      const exporters = probed.map((j: K8sObject) => j.relabel_configs.find((r: K8sObject) => r.target_label === '__address__').replacement as string);
      const servers = probed.flatMap((j: K8sObject) => j.static_configs.flatMap((s: { targets: string[] }) => s.targets));
      const direct = addresses.filter((a) => !servers.includes(a));
      expect([...direct, ...exporters].sort()).toEqual([
        'alertmanager:9093', 'alertmanager:9093', 'cert-manager.cert-manager.svc:9402', 'kube-state-metrics.monitoring.svc:8080', 'localhost:9090',
        'mysql-exporter.ecommerce.svc:9104', 'redis-exporter.ecommerce.svc:9121',
      ]);
      // With replicas, every MySQL server is probed: the primary and each one; without, the exporter's own /metrics.
      expect(servers).toEqual(config.mysql.replicas === 0 ? []
        : ['mysql-primary:3306', ...Array.from({ length: config.mysql.replicas }, (_, i) => `mysql-replica-${i + 1}:3306`)]);
      // Prometheus scrapes itself on localhost; cert-manager is installed outside this repository.
      for (const address of nonEmpty([...direct, ...exporters].filter((a) => !a.startsWith('localhost:') && !a.startsWith('cert-manager.')), 'scrape address')) {
        const { service, port } = serviceFor(objects, address, 'monitoring');
        expect([address, exposes(service, port)]).toEqual([address, true]);
      }
      expect(prom.scrape_configs.map((j: { job_name: string }) => j.job_name))
        .toEqual(['laravel-metrics', 'redis-exporter', 'mysql-exporter', 'cert-manager', 'kube-state-metrics', 'prometheus', 'alertmanager', 'kubelet', 'kubelet-cadvisor']);
      const certManager = prom.scrape_configs.find((j: { job_name: string }) => j.job_name === 'cert-manager');
      expect(certManager).toEqual({ job_name: 'cert-manager', metrics_path: '/metrics', honor_labels: true, static_configs: [{ targets: ['cert-manager.cert-manager.svc:9402'] }] });
    });

    test('the laravel pod job finds the web pods: namespace, app label, annotated port', () => {
      const prom = YAML.parse(findObject(objects, 'ConfigMap', 'prometheus-config').data['prometheus.yml']);
      const job = prom.scrape_configs.find((j: { job_name: string }) => j.job_name === 'laravel-metrics');
      expect(job.kubernetes_sd_configs[0].namespaces.names).toEqual([config.namespace]);
      const pod = findObject(objects, 'Deployment', 'laravel-blue').spec.template;
      expect(pod.metadata.annotations['prometheus.io/scrape']).toBe('true');
      expect(pod.metadata.labels.app).toBe(job.relabel_configs[1].regex);
      expect(pod.spec.containers[0].ports.map((p: { name: string }) => p.name)).toContain(job.relabel_configs[2].regex);
    });

    test('every Grafana datasource URL points at a Service port the output defines', () => {
      const datasources = YAML.parse(findObject(objects, 'ConfigMap', 'grafana-datasources').data['datasources.yaml']).datasources as Array<{ uid: string; url: string }>;
      expect(datasources.map((d) => `${d.uid} ${d.url}`)).toEqual([
        'prometheus http://prometheus-server.monitoring.svc:9090', 'loki http://loki.monitoring.svc:3100', 'jaeger http://jaeger.monitoring.svc:16686',
      ]);
      for (const ds of nonEmpty(datasources, 'datasource')) {
        const { service, port } = serviceFor(objects, ds.url, 'monitoring');
        expect([ds.url, exposes(service, port)]).toEqual([ds.url, true]);
      }
    });

    test('Loki keeps logs for the environment\'s retention, enforced by the compactor, on a volume of the configured size', () => {
      const stack = standaloneStack(config);
      const loki = YAML.parse(findObject(objects, 'ConfigMap', 'loki-config').data['loki.yaml']);
      expect(loki.compactor.retention_enabled).toBe(true);
      expect(loki.common.replication_factor).toBe(1);
      expect(loki.limits_config.retention_period).toBe(`${stack.loki.retentionPeriod.toHours()}h`);
      expect(findObject(objects, 'PersistentVolumeClaim', 'loki-data').spec.resources.requests.storage).toBe(`${stack.loki.storageSize.toGibibytes()}Gi`);
      expect(findObject(objects, 'Service', 'loki').spec.ports[0].port).toBe(3100);
    });

    test('Alloy pushes to the Loki Service and needs no host access: the namespace stays restricted', () => {
      const alloy = findObject(objects, 'ConfigMap', 'alloy-config').data['config.alloy'] as string;
      const url = /url = "([^"]+)"/.exec(alloy)![1];
      expect(url).toBe('http://loki.monitoring.svc:3100/loki/api/v1/push');
      const { service, port } = serviceFor(objects, url, 'monitoring');
      expect(exposes(service, port)).toBe(true);
      const pod = findObject(objects, 'DaemonSet', 'alloy').spec.template.spec;
      expect(JSON.stringify(pod)).not.toContain('hostPath');
      expect(findObject(objects, 'Namespace', 'monitoring').metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    });

    test('Jaeger stores traces in bounded memory only where the environment allows it, else on a volume', () => {
      const storage = standaloneStack(config).jaeger.storage;
      const jaeger = YAML.parse(findObject(objects, 'ConfigMap', 'jaeger-config').data['config.yaml']);
      const backend = jaeger.extensions.jaeger_storage.backends.traces;
      if (storage.kind === 'memory') {
        expect(backend).toEqual({ memory: { max_traces: storage.maxTraces } });
        expect(ofKind(objects, 'PersistentVolumeClaim').map((p) => p.metadata.name)).not.toContain('jaeger-data');
      } else {
        expect(Object.keys(backend)).toEqual(['badger']);
        expect(findObject(objects, 'PersistentVolumeClaim', 'jaeger-data').spec.resources.requests.storage).toBe(`${storage.storageSize.toGibibytes()}Gi`);
      }
      expect(findObject(objects, 'Service', 'jaeger').spec.ports.map((p: { port: number }) => p.port)).toEqual([16686]);
      expect(findObject(objects, 'Service', 'jaeger-collector').spec.ports.map((p: { port: number }) => p.port)).toEqual([4317, 4318]);
    });

    test('NetworkPolicies let logs, traces and queries through, and nothing undeclared', () => {
      const policies = ofKind(objects, 'NetworkPolicy');
      const podOf = (kind: string, name: string) => {
        const o = findObject(objects, kind, name);
        return { namespace: o.metadata.namespace!, labels: o.spec.template.metadata.labels as Record<string, string> };
      };
      const alloy = podOf('DaemonSet', 'alloy');
      const loki = podOf('Deployment', 'loki');
      const jaeger = podOf('Deployment', 'jaeger');
      const grafana = podOf('Deployment', 'grafana');
      const laravel = podOf('Deployment', 'laravel-blue');
      expect(isAllowed(policies, alloy, loki, 3100)).toBe(true);
      expect(isAllowed(policies, alloy, { ip: '10.0.0.1' }, 443)).toBe(true);
      expect(isAllowed(policies, grafana, loki, 3100)).toBe(true);
      expect(isAllowed(policies, grafana, jaeger, 16686)).toBe(true);
      expect(isAllowed(policies, laravel, jaeger, 4317)).toBe(true);
      expect(isAllowed(policies, laravel, jaeger, 4318)).toBe(true);
      // Not declared: the shop cannot read traces or push logs itself, and Alloy cannot reach Jaeger.
      expect(isAllowed(policies, laravel, jaeger, 16686)).toBe(false);
      expect(isAllowed(policies, laravel, loki, 3100)).toBe(false);
      expect(isAllowed(policies, alloy, jaeger, 4317)).toBe(false);
    });

    test('Prometheus mounts the rules ConfigMap (optional), Alertmanager its config ConfigMap and receiver Secret', () => {
      const prom = findObject(objects, 'Deployment', 'prometheus-server').spec.template.spec;
      expect(prom.volumes).toContainEqual({ name: 'prometheus-rules', configMap: { name: 'prometheus-rules', optional: true } });
      expect(prom.containers[0].volumeMounts).toContainEqual({ name: 'prometheus-rules', mountPath: '/etc/prometheus/rules', readOnly: true });
      const am = findObject(objects, 'Deployment', 'alertmanager').spec.template.spec;
      expect(am.volumes.map((v: K8sObject) => v.secret?.secretName).filter(Boolean).sort()).toEqual(['alertmanager-receivers']);
      expect(am.volumes).toContainEqual({ name: 'alertmanager-config', configMap: { name: 'alertmanager-config' } });
      expect(am.containers[0].volumeMounts).toContainEqual({ name: 'alertmanager-receivers', mountPath: '/etc/alertmanager/receivers', readOnly: true });
      expect(am.containers[0].args).toContain('--config.file=/etc/alertmanager/config/alertmanager.yml');
    });

    test('Grafana reads admin credentials from Secret keys', () => {
      const env = findObject(objects, 'Deployment', 'grafana').spec.template.spec.containers[0].env;
      expect(env).toContainEqual({ name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'admin-password' } } });
    });

    test('Alloy\'s ClusterRole only reads pods and their logs', () => {
      const role = findObject(objects, 'ClusterRole', 'alloy');
      expect(role.rules.map((r: { resources: string[]; verbs: string[] }) => `${r.resources.join(',')}: ${r.verbs.join(',')}`)).toEqual(['pods: get,list,watch', 'pods/log: get']);
    });

    test('Prometheus\' ClusterRole only reads', () => {
      const role = findObject(objects, 'ClusterRole', 'prometheus-server');
      expect([...new Set(role.rules.flatMap((r: { verbs: string[] }) => r.verbs))].sort()).toEqual(['get', 'list', 'watch']);
      const ksm = findObject(objects, 'ClusterRole', 'kube-state-metrics');
      expect([...new Set(ksm.rules.flatMap((r: { verbs: string[] }) => r.verbs))].sort()).toEqual(['list', 'watch']);
      expect(JSON.stringify(ksm.rules)).not.toContain('secrets');
    });

    test('renders no operator objects', () => {
      expect(objects.filter((o) => o.apiVersion.startsWith('monitoring.coreos.com'))).toEqual([]);
    });
  } else {
    test('renders only what kube-prometheus-stack consumes, each carrying its selector labels', () => {
      const monitoring = inFile(name, 'monitoring.k8s.yaml');
      expect(monitoring.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual([
        'ConfigMap/grafana-dashboard-ecommerce-blue-green', 'ConfigMap/grafana-dashboard-ecommerce-production', 'ConfigMap/grafana-dashboard-ecommerce-slos',
        'ConfigMap/grafana-datasources', 'PodMonitor/laravel-metrics', 'ServiceMonitor/cert-manager', 'ServiceMonitor/mysql-exporter', 'ServiceMonitor/redis-exporter',
      ]);
      for (const o of nonEmpty(monitoring, 'operator object')) {
        expect([o.metadata.name, selects(operatorSelector(config), o.metadata.labels)]).toEqual([o.metadata.name, true]);
      }
      expect(findObject(objects, 'ConfigMap', 'grafana-dashboard-ecommerce-production').metadata.labels?.grafana_dashboard).toBe('1');
      expect(findObject(objects, 'ConfigMap', 'grafana-datasources').metadata.labels?.grafana_datasource).toBe('1');
    });

    test('the PodMonitor selects the web pods on their metrics port and keeps the job name', () => {
      const pm = findObject(objects, 'PodMonitor', 'laravel-metrics');
      expect(pm.spec.namespaceSelector).toEqual({ matchNames: [config.namespace] });
      const pods = podTemplates(objects).filter((t) => t.owner.metadata.namespace === config.namespace && selects(pm.spec.selector.matchLabels, t.template.metadata.labels));
      expect(pods.map((t) => t.owner.metadata.name).sort()).toEqual(['laravel-blue', 'laravel-green']);
      for (const t of nonEmpty(pods, 'pod the PodMonitor selects')) {
        expect(t.template.spec.containers[0].ports.map((p: { name: string }) => p.name)).toContain(pm.spec.podMetricsEndpoints[0].port);
      }
      expect(pm.spec.podMetricsEndpoints[0].relabelings).toContainEqual({ targetLabel: 'job', replacement: 'laravel-metrics', action: 'replace' });
      // A canary's pod template hash tells its series from the stable pods' (staging runs a canary).
      expect(pm.spec.podTargetLabels).toEqual(['app', 'environment', ...(config.delivery?.canary === undefined ? [] : ['rollouts-pod-template-hash'])]);
    });

    test('each ServiceMonitor selects exactly its exporter Service on a port it exposes', () => {
      // cert-manager's Service is the Helm chart's, outside this repository.
      for (const sm of nonEmpty(ofKind(objects, 'ServiceMonitor').filter((sm) => sm.metadata.name !== 'cert-manager'), 'ServiceMonitor')) {
        const services = ofKind(objects, 'Service').filter((s) => sm.spec.namespaceSelector.matchNames.includes(s.metadata.namespace) && selects(sm.spec.selector.matchLabels, s.metadata.labels));
        expect(services.map((s) => s.metadata.name)).toEqual([sm.metadata.name]);
        expect(services[0].spec.ports.map((p: { name: string }) => p.name)).toContain(sm.spec.endpoints[0].port);
      }
    });

    test('renders no Prometheus, Grafana, Loki, Alloy, Jaeger or Namespace of its own', () => {
      expect(inFile(name, 'monitoring.k8s.yaml').filter((o) => ['DaemonSet', 'Deployment', 'Namespace', 'PersistentVolumeClaim'].includes(o.kind))).toEqual([]);
    });
  }
});

describe('the SLO dashboard', () => {
  test('charts exactly the recording rules the alerting renders', () => {
    const files = renderedFiles(ENVIRONMENTS.prod);
    const objectsOf = (file: string) => files.find((f) => f.fileName === file)!.objects as K8sObject[];
    const dashboard = findObject(objectsOf('monitoring.k8s.yaml'), 'ConfigMap', 'grafana-dashboard-ecommerce-slos');
    const exprs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) {
        node.forEach(walk);
      } else if (node !== null && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'expr' && typeof value === 'string') {
            exprs.push(value);
          } else {
            walk(value);
          }
        }
      }
    };
    Object.values(dashboard.data as Record<string, string>).forEach((json) => walk(JSON.parse(json)));
    const used = new Set(exprs.flatMap((e) => [...e.matchAll(/(slo:[a-z_:0-9]+)\{slo="([a-z_0-9]+)"\}/g)].map((m) => `${m[1]} ${m[2]}`)));
    const recorded = new Set(Object.values(findObject(objectsOf('alerting.k8s.yaml'), 'ConfigMap', 'prometheus-rules').data as Record<string, string>)
      .flatMap((file) => (YAML.parse(file).groups as Array<{ rules: Array<{ record?: string; labels?: { slo?: string } }> }>)
        .flatMap((g) => g.rules.filter((r) => r.record !== undefined).map((r) => `${r.record} ${r.labels?.slo}`))));
    expect(used.size).toBe(8);
    expect([...used].filter((u) => !recorded.has(u))).toEqual([]);
  });
});

describe('metric provenance', () => {
  test.each(['dev', 'staging', 'prod'])('%s: every scrape target declares the metric families it produces, and cert-manager is scraped', (env) => {
    const stacks = buildEnvironment(new App(), loadEnvironment(env));
    const targets = stacks.monitoring.observability.workloadTargets;
    expect(targets.length).toBeGreaterThan(0);
    for (const target of [...targets, ...(stacks.monitoring.observability.kubeStateMetrics ? [stacks.monitoring.observability.kubeStateMetrics.target] : [])]) {
      expect([target.job, (target.metrics ?? []).length > 0]).toEqual([target.job, true]);
    }
    expect(targets.map((t) => t.job)).toContain('cert-manager');
    expect(MetricProducers.of(stacks.root).producerOf('certmanager_certificate_expiration_timestamp_seconds')).toBe(
      env === 'staging' ? 'ServiceMonitor cert-manager' : 'scrape job cert-manager');
  });
});
