import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerResourceSpec, checkResources } from '../core/container-resources';
import { assertAt, failAt } from '../core/errors';
import {
  checkArrayOf, checkBoolean, checkDnsLabel, checkDnsSubdomain, checkLabelName, checkNonEmpty, checkProps, checkSize, checkString, optional, Rules,
} from '../core/checks';
import { checkPositiveDuration, formatPrometheusDuration } from '../core/durations';
import { MonitoringServer, addMonitoringServer, checkPinnedImage, componentLabels } from './monitoring-server';
import { toYamlDocument } from '../render/yaml';
import { MonitoringNames } from './monitoring-names';
import { ScrapeConfig, ScrapeTarget, renderScrapeConfigs } from './scrape-targets';
import { checkResourceSpec } from '../core/container-resources';
import { checkScrapeTarget } from './scrape-targets';
import { MetricProducers } from '../alerting/metric-producers';

/** Props of {@link PrometheusServer}. */
export interface PrometheusServerProps {
  /** System the objects belong to (`app.kubernetes.io/part-of`). */
  readonly partOf: string;

  /**
   * Name of the Deployment, Service, ServiceAccount and data volume claim (`<name>-data`).
   *
   * @default MonitoringNames.PROMETHEUS_SERVICE ('prometheus-server')
   */
  readonly name?: string;

  /**
   * Name of the ConfigMap holding `prometheus.yml`.
   *
   * @default 'prometheus-config'
   */
  readonly configMapName?: string;

  /**
   * Name of the ConfigMap of rule files it mounts (`AlertRules` `configMapName`).
   *
   * @default MonitoringNames.RULES_CONFIG_MAP ('prometheus-rules')
   */
  readonly rulesConfigMapName?: string;

  /**
   * Service of the Alertmanager it sends alerts to and scrapes, in its own namespace (`AlertmanagerServer` `name`).
   *
   * @default MonitoringNames.ALERTMANAGER_SERVICE ('alertmanager')
   */
  readonly alertmanagerService?: string;

  /** Image, pinned (`prom/prometheus:v2.53.2`). */
  readonly image: string;

  /** Requests and limits of the Prometheus container. */
  readonly resources: ContainerResourceSpec;

  /**
   * How long samples are kept (`--storage.tsdb.retention.time`, written as a Prometheus duration).
   *
   * @see https://prometheus.io/docs/prometheus/latest/storage/#operational-aspects
   */
  readonly retentionTime: Duration;

  /** Size of the TSDB volume. */
  readonly storageSize: Size;

  /**
   * StorageClass of the TSDB volume.
   *
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;

  /** Targets scraped, each as its own job, in order. */
  readonly targets: readonly ScrapeTarget[];

  /**
   * Also scrape every node's kubelet and cAdvisor (through the node's kubelet port with the service account
   * token), which the seed's alerts need for `container_*` and `kubelet_volume_stats_*`.
   *
   * @default true
   */
  readonly scrapeKubelet?: boolean;

  /**
   * Interval of scrapes and rule evaluation.
   *
   * @default Duration.seconds(15)
   */
  readonly scrapeInterval?: Duration;

  /**
   * Name of the cluster-scoped ClusterRole and ClusterRoleBinding; unique per cluster, so a second Prometheus
   * in the same cluster needs its own.
   *
   * @default - the `name` ('prometheus-server')
   */
  readonly clusterRoleName?: string;
}

const CONFIG_DIR = '/etc/prometheus/config';
const DATA_DIR = '/prometheus';
const CONFIG_FILE = 'prometheus.yml';
/** The image's `nobody` user. */
const PROMETHEUS_UID = 65534;
const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Run-time checks of {@link PrometheusServerProps}, applied before anything is created. */
const PROMETHEUS_SERVER_RULES: Rules = {
  partOf: checkLabelName, image: checkString, resources: checkResourceSpec,
  name: optional(checkDnsLabel), configMapName: optional(checkDnsSubdomain), rulesConfigMapName: optional(checkDnsSubdomain),
  alertmanagerService: optional(checkDnsLabel),
  retentionTime: (v) => checkPositiveDuration(v),
  storageSize: checkSize,
  storageClassName: optional(checkDnsSubdomain),
  targets: checkArrayOf(checkScrapeTarget),
  scrapeKubelet: optional(checkBoolean),
  scrapeInterval: optional((v) => checkPositiveDuration(v, 'Duration.seconds(15)')),
  clusterRoleName: optional(checkDnsSubdomain),
};

/**
 * Prometheus (standalone mode): Deployment and Service `prometheus-server` on 9090, the configuration
 * ConfigMap `prometheus-config`, a TSDB volume, and a ServiceAccount with a read-only ClusterRole for
 * discovery (every name a prop, these are the defaults).
 *
 * Rule files come from ConfigMap `prometheus-rules`, rendered by the alerting constructs; the volume is
 * optional so Prometheus starts before any rule exists. Alerts go to Service `alertmanager:9093`.
 */
export class PrometheusServer extends Construct {
  /** Deployment `prometheus-server`. */
  public readonly deployment: kplus.Deployment;

  /** Service `prometheus-server` (port 9090). */
  public readonly service: kplus.Service;

  /** ConfigMap `prometheus-config` with `prometheus.yml`. */
  public readonly config: kplus.ConfigMap;

  /** ClusterRole `prometheus-server`: get/list/watch only. */
  public readonly clusterRole: kplus.ClusterRole;

  /** The configuration, as written to `prometheus.yml`. */
  public readonly configDocument: Record<string, unknown>;

  /** The pod's parts. */
  public readonly server: MonitoringServer;

  constructor(scope: Construct, id: string, props: PrometheusServerProps) {
    super(scope, id);
    checkProps(this, props, PROMETHEUS_SERVER_RULES);
    const scrapeInterval = props.scrapeInterval ?? Duration.seconds(15);
    assertAt(this, 'image', checkPinnedImage(props.image));
    assertAt(this, 'retentionTime', checkPositiveDuration(props.retentionTime));
    assertAt(this, 'scrapeInterval', checkPositiveDuration(scrapeInterval, 'Duration.seconds(15)'));
    const interval = formatPrometheusDuration(scrapeInterval);
    assertAt(this, 'partOf', checkNonEmpty(props.partOf));
    const resources = checkResources(props.resources);
    if (resources !== undefined) {
      failAt(this, `resources.${resources.field}`, resources.problem);
    }
    let scrapeConfigs: ScrapeConfig[];
    try {
      scrapeConfigs = renderScrapeConfigs(props.targets);
    } catch (e) {
      failAt(this, 'targets', (e as Error).message);
    }
    const alertmanagerAddress = `${props.alertmanagerService ?? MonitoringNames.ALERTMANAGER_SERVICE}:${MonitoringNames.ALERTMANAGER_PORT}`;
    // Prometheus and Alertmanager themselves: the meta alerts (rule evaluation failures) read them.
    scrapeConfigs.push(
      { job_name: 'prometheus', metrics_path: '/metrics', static_configs: [{ targets: [`localhost:${MonitoringNames.PROMETHEUS_PORT}`] }] },
      { job_name: 'alertmanager', metrics_path: '/metrics', static_configs: [{ targets: [alertmanagerAddress] }] },
    );
    const producers = MetricProducers.of(this);
    for (const target of props.targets) {
      if (target.metrics !== undefined) {
        producers.declare(this, { name: `scrape job ${target.job}`, metrics: target.metrics });
      }
    }
    producers.declare(this, { name: 'scrape job prometheus', metrics: ['prometheus_'] });
    producers.declare(this, { name: 'scrape job alertmanager', metrics: ['alertmanager_'] });
    if (props.scrapeKubelet ?? true) {
      scrapeConfigs.push(...kubeletJobs());
      producers.declare(this, { name: 'scrape job kubelet', metrics: ['kubelet_', 'volume_manager_', 'storage_operation_'] });
      producers.declare(this, { name: 'scrape job kubelet-cadvisor', metrics: ['container_', 'machine_'] });
    }

    const name = props.name ?? MonitoringNames.PROMETHEUS_SERVICE;
    const { labels } = componentLabels(name, 'monitoring', props.partOf);
    this.configDocument = {
      global: { scrape_interval: interval, evaluation_interval: interval },
      rule_files: [`${MonitoringNames.RULES_MOUNT_PATH}/*.yaml`],
      alerting: {
        alertmanagers: [{ static_configs: [{ targets: [alertmanagerAddress] }] }],
      },
      scrape_configs: scrapeConfigs,
    };
    const configText = toYamlDocument(this.configDocument);
    this.config = new kplus.ConfigMap(this, 'Config', { metadata: { name: props.configMapName ?? 'prometheus-config', labels }, data: { [CONFIG_FILE]: configText } });

    const serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: { name, labels }, automountToken: false });
    const clusterRoleName = props.clusterRoleName ?? name;
    this.clusterRole = new kplus.ClusterRole(this, 'ClusterRole', { metadata: { name: clusterRoleName, labels } });
    // Discovery of pods, plus the kubelet's metrics endpoints; nothing that writes, nothing in Secrets.
    const read = ['get', 'list', 'watch'];
    this.clusterRole.allow(read, kplus.ApiResource.PODS, kplus.ApiResource.NODES, kplus.ApiResource.SERVICES, kplus.ApiResource.ENDPOINTS);
    this.clusterRole.allow(['get'], kplus.ApiResource.custom({ apiGroup: '', resourceType: 'nodes/metrics' }));
    const binding = new kplus.ClusterRoleBinding(this, 'ClusterRoleBinding', { metadata: { name: clusterRoleName, labels }, role: this.clusterRole });
    binding.addSubjects(serviceAccount);

    const rules = kplus.ConfigMap.fromConfigMapName(this, 'Rules', props.rulesConfigMapName ?? MonitoringNames.RULES_CONFIG_MAP);
    this.server = addMonitoringServer(this, {
      name,
      component: 'monitoring',
      partOf: props.partOf,
      image: props.image,
      args: [
        `--config.file=${CONFIG_DIR}/${CONFIG_FILE}`,
        `--storage.tsdb.path=${DATA_DIR}`,
        `--storage.tsdb.retention.time=${formatPrometheusDuration(props.retentionTime)}`,
        '--web.console.libraries=/usr/share/prometheus/console_libraries',
        '--web.console.templates=/usr/share/prometheus/consoles',
      ],
      ports: [{ name: 'http', port: MonitoringNames.PROMETHEUS_PORT }],
      resources: props.resources,
      uid: PROMETHEUS_UID,
      readiness: { path: '/-/ready', portName: 'http', periodSeconds: 10, failureThreshold: 3 },
      liveness: { path: '/-/healthy', portName: 'http', periodSeconds: 15, failureThreshold: 3 },
      // WAL replay of a large TSDB takes minutes: allow up to 10 before liveness applies.
      startup: { path: '/-/ready', portName: 'http', periodSeconds: 10, failureThreshold: 60 },
      storage: { size: props.storageSize, mountPath: DATA_DIR, storageClassName: props.storageClassName },
      configMaps: [
        { configMap: this.config, path: CONFIG_DIR },
        // Optional: Prometheus starts (with no rules) before the alerting side has rendered any.
        { configMap: rules, path: MonitoringNames.RULES_MOUNT_PATH, optional: true },
      ],
      configData: { [CONFIG_FILE]: configText },
      serviceAccount,
      // Kubernetes service discovery and kubelet scrapes authenticate with the token.
      automountToken: true,
    });
    this.deployment = this.server.deployment;
    this.service = this.server.service;
  }

  /**
   * Hashes files the server mounts from an object rendered elsewhere (the rule files of ConfigMap `prometheus-rules`) into the pod
   * template, so any change to them rolls the pod and reaches the running server without a manual step.
   * `files` is read when the manifest is rendered.
   *
   * @throws Error when `name` is hashed already
   */
  public hashMountedConfig(name: string, files: () => Record<string, string>): void {
    this.server.configHash!.add(name, files);
  }
}

/** kubelet and cAdvisor on every node, over HTTPS with the service account's token and CA. */
function kubeletJobs(): ScrapeConfig[] {
  const job = (jobName: string, path: string): ScrapeConfig => ({
    job_name: jobName,
    scheme: 'https',
    metrics_path: path,
    kubernetes_sd_configs: [{ role: 'node' }],
    // The kubelet's serving certificate is usually self-signed per node, so its name cannot be verified
    // against the cluster CA; the token still authenticates us, and the kubelet authorizes nodes/metrics.
    tls_config: { ca_file: `${SA_DIR}/ca.crt`, insecure_skip_verify: true },
    authorization: { credentials_file: `${SA_DIR}/token` },
    relabel_configs: [
      { source_labels: ['__meta_kubernetes_node_name'], target_label: 'node', action: 'replace' },
    ],
  });
  return [job('kubelet', '/metrics'), job('kubelet-cadvisor', '/metrics/cadvisor')];
}
