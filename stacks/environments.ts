/**
 * Everything that differs between dev, staging and prod, in one typed file.
 *
 * Stacks read these values and pass them to constructs as props; nothing else in the repository branches
 * on an environment's name. Seed 004's environment matrix is the starting point (replicas, resources, log
 * level, debug mode); seed 000 gives production's sizes, probes, images and HPA.
 */
import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { BlueGreenAutoscaling, COLOURS, Colour } from '../lib/blue-green-app';
import { ContainerResourceSpec, checkResources } from '../lib/container-resources';
import { NamespaceQuota } from '../lib/app-namespace';
import { IssuerKind } from '../lib/tls-ingress';
import { ValidationError } from '../lib/internal/errors';
import { checkPinnedImage } from '../lib/internal/monitoring-server';
import { checkDnsLabel, checkHostName, checkImageTag, checkInteger, checkNonEmpty, checkOneOf, checkReplicaBounds } from '../lib/internal/checks';

/** The environments this repository deploys. */
export type EnvironmentName = 'dev' | 'staging' | 'prod';

/** Every environment, in promotion order. */
export const ENVIRONMENT_NAMES: readonly EnvironmentName[] = ['dev', 'staging', 'prod'];

/** Laravel (Monolog) log levels used here. */
export type LogLevel = 'debug' | 'info' | 'warning' | 'error';

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error'];

/** The web tier: the Laravel app deployed blue/green. */
export interface WebTierConfig {
  /** App name: prefix of its objects (`laravel-blue`, `laravel-service`). */
  readonly appName: string;

  /** Image repository, without tag. */
  readonly imageRepository: string;

  /** Tag the blue Deployment runs. */
  readonly blueImageTag: string;

  /** Tag the green Deployment runs. */
  readonly greenImageTag: string;

  /** Colour the live Service selects. Switch it to promote the idle colour (see README). */
  readonly liveColour: Colour;

  /** Size of the idle colour; raise it to the live minimum before switching. */
  readonly idleReplicas: number;

  /** Fixed size of the live colour (environments without autoscaling). */
  readonly replicas?: number;

  /** Autoscaling bounds and targets of the live colour. */
  readonly autoscaling?: BlueGreenAutoscaling;

  /** Requests and limits of the app container. */
  readonly resources: ContainerResourceSpec;

  /** Laravel `APP_ENV`. */
  readonly appEnv: string;

  /** Laravel `APP_DEBUG`: stack traces in responses, so never on where real users are. */
  readonly appDebug: boolean;

  /** Laravel `LOG_LEVEL`. */
  readonly logLevel: LogLevel;

  /** Public host name of the shop. */
  readonly host: string;
}

/** How an environment is monitored. */
export type MonitoringMode = 'standalone' | 'operator';

const MONITORING_MODES: readonly MonitoringMode[] = ['standalone', 'operator'];

/** Monitoring of one environment. */
export interface MonitoringConfig {
  /**
   * `standalone`: this repository deploys Prometheus, Alertmanager, Grafana, Loki and tracing itself.
   * `operator`: the cluster runs kube-prometheus-stack; only what it consumes is rendered.
   */
  readonly mode: MonitoringMode;

  /**
   * Labels kube-prometheus-stack selects rules, monitors and dashboards by (operator mode); every such
   * object carries them.
   */
  readonly operatorSelector: Readonly<Record<string, string>>;

  /** Base URL of the runbooks that alerts link to. */
  readonly runbookBaseUrl: string;

  /** Sizes, retention, storage and images of the monitoring components. */
  readonly stack: MonitoringStackConfig;
}

/** Pinned images of the monitoring components. */
export interface MonitoringImages {
  readonly prometheus: string;
  readonly alertmanager: string;
  readonly grafana: string;
  readonly redisExporter: string;
  readonly mysqlExporter: string;
  readonly kubeStateMetrics: string;
}

/** A server with a data volume. */
export interface MonitoringServerSizing {
  /** Size of its PersistentVolumeClaim. */
  readonly storageSize: Size;
  /** Requests and limits of its container. */
  readonly resources: ContainerResourceSpec;
}

/**
 * What the monitoring stack runs with. In operator mode only the exporters, the Grafana datasource URL and
 * the images of the exporters are used; the rest describes the standalone stack.
 */
export interface MonitoringStackConfig {
  readonly images: MonitoringImages;
  /** StorageClass of every monitoring volume; the cluster default when absent. */
  readonly storageClassName?: string;
  /** Prometheus: data volume, container, and how long samples are kept (a Prometheus duration). */
  readonly prometheus: MonitoringServerSizing & { readonly retentionTime: string };
  readonly alertmanager: MonitoringServerSizing;
  readonly grafana: MonitoringServerSizing;
  /** Requests and limits of each exporter (redis, mysql) and of kube-state-metrics. */
  readonly exporterResources: ContainerResourceSpec;
  readonly kubeStateMetricsResources: ContainerResourceSpec;
  /** ResourceQuota of namespace `monitoring` (standalone mode). */
  readonly namespaceQuota: NamespaceQuota;
  /** MySQL `host:port` the mysql exporter connects to (seed 001's primary Service). */
  readonly mysqlAddress: string;
  /** URL of kube-prometheus-stack's Prometheus, provisioned as the `prometheus` datasource (operator mode). */
  readonly operatorPrometheusUrl: string;
}

/** One environment's complete configuration. */
export interface EnvironmentConfig {
  /** Environment name; also the root of every construct path (`prod/Web/Laravel`). */
  readonly name: EnvironmentName;

  /** Namespace of the application (the seed's scripts use `ecommerce`). */
  readonly namespace: string;

  /** System name for `app.kubernetes.io/part-of`. */
  readonly partOf: string;

  /** Whether every image must be a semantic version or digest (no moving tags). */
  readonly requirePinnedImages: boolean;

  /** cert-manager issuer of the TLS certificate. */
  readonly tlsIssuer: { readonly name: string; readonly kind: IssuerKind };

  /** IngressClass of the public Ingress. */
  readonly ingressClassName: string;

  /** ResourceQuota of the application namespace. */
  readonly quota: NamespaceQuota;

  /** LimitRange defaults for containers that state no resources. */
  readonly containerDefaults: ContainerResourceSpec;

  /** The web tier. */
  readonly web: WebTierConfig;

  /** Monitoring and alerting. */
  readonly monitoring: MonitoringConfig;
}

const IMAGE_REPOSITORY = 'ghcr.io/ibekzod/laravel-ecommerce';
const RUNBOOKS = 'https://runbooks.shop.example.com';
/** Seed images, each pinned to its tag. */
const MONITORING_IMAGES: MonitoringImages = {
  prometheus: 'prom/prometheus:v2.53.2',
  alertmanager: 'prom/alertmanager:v0.27.0',
  grafana: 'grafana/grafana:11.2.0',
  redisExporter: 'oliver006/redis_exporter:v1.62.0',
  mysqlExporter: 'prom/mysqld-exporter:v0.15.1',
  kubeStateMetrics: 'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.13.0',
};

function sized(cpuRequestMillis: number, cpuLimitMillis: number, memoryRequestMi: number, memoryLimitMi: number): ContainerResourceSpec {
  return {
    cpuRequest: Cpu.millis(cpuRequestMillis),
    cpuLimit: Cpu.millis(cpuLimitMillis),
    memoryRequest: Size.mebibytes(memoryRequestMi),
    memoryLimit: Size.mebibytes(memoryLimitMi),
  };
}

/** Dev: small and short-lived (3 days of metrics). */
const DEV_MONITORING: MonitoringStackConfig = {
  images: MONITORING_IMAGES,
  prometheus: { retentionTime: '3d', storageSize: Size.gibibytes(10), resources: sized(100, 500, 512, 1024) },
  alertmanager: { storageSize: Size.gibibytes(1), resources: sized(25, 100, 64, 128) },
  grafana: { storageSize: Size.gibibytes(2), resources: sized(50, 250, 128, 256) },
  exporterResources: sized(10, 100, 32, 64),
  kubeStateMetricsResources: sized(25, 100, 64, 128),
  namespaceQuota: { requestsCpu: Cpu.units(2), limitsCpu: Cpu.units(4), requestsMemory: Size.gibibytes(2), limitsMemory: Size.gibibytes(4), pods: 20 },
  mysqlAddress: 'mysql-primary:3306',
  operatorPrometheusUrl: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090',
};

/** Staging runs kube-prometheus-stack: only the exporters are ours; the rest mirrors prod at half size. */
const STAGING_MONITORING: MonitoringStackConfig = {
  images: MONITORING_IMAGES,
  prometheus: { retentionTime: '15d', storageSize: Size.gibibytes(50), resources: sized(250, 1000, 1024, 2048) },
  alertmanager: { storageSize: Size.gibibytes(2), resources: sized(50, 200, 64, 256) },
  grafana: { storageSize: Size.gibibytes(5), resources: sized(100, 500, 256, 512) },
  exporterResources: sized(25, 100, 32, 128),
  kubeStateMetricsResources: sized(50, 200, 128, 256),
  namespaceQuota: { requestsCpu: Cpu.units(4), limitsCpu: Cpu.units(8), requestsMemory: Size.gibibytes(8), limitsMemory: Size.gibibytes(16), pods: 30 },
  mysqlAddress: 'mysql-primary:3306',
  operatorPrometheusUrl: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090',
};

/** Prod: seed 000 (30 d retention, Prometheus 100 Gi, Grafana 10 Gi) and seed 001's Prometheus resources. */
const PROD_MONITORING: MonitoringStackConfig = {
  images: MONITORING_IMAGES,
  prometheus: { retentionTime: '30d', storageSize: Size.gibibytes(100), resources: sized(500, 2000, 2048, 4096) },
  alertmanager: { storageSize: Size.gibibytes(2), resources: sized(50, 200, 128, 256) },
  grafana: { storageSize: Size.gibibytes(10), resources: sized(100, 500, 256, 512) },
  exporterResources: sized(25, 200, 64, 128),
  kubeStateMetricsResources: sized(100, 500, 256, 512),
  namespaceQuota: { requestsCpu: Cpu.units(8), limitsCpu: Cpu.units(16), requestsMemory: Size.gibibytes(16), limitsMemory: Size.gibibytes(32), pods: 40 },
  mysqlAddress: 'mysql-primary:3306',
  operatorPrometheusUrl: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090',
};

/** kube-prometheus-stack installed as release `kube-prometheus-stack` picks up objects labelled so. */
const KUBE_PROMETHEUS_STACK = { release: 'kube-prometheus-stack' };

const dev: EnvironmentConfig = {
  name: 'dev',
  namespace: 'ecommerce',
  partOf: 'ecommerce',
  requirePinnedImages: false,
  tlsIssuer: { name: 'letsencrypt-staging', kind: 'ClusterIssuer' },
  ingressClassName: 'nginx',
  quota: {
    requestsCpu: Cpu.units(4),
    limitsCpu: Cpu.units(8),
    requestsMemory: Size.gibibytes(8),
    limitsMemory: Size.gibibytes(16),
    pods: 30,
  },
  containerDefaults: {
    cpuRequest: Cpu.millis(50),
    cpuLimit: Cpu.millis(250),
    memoryRequest: Size.mebibytes(64),
    memoryLimit: Size.mebibytes(256),
  },
  web: {
    appName: 'laravel',
    imageRepository: IMAGE_REPOSITORY,
    blueImageTag: 'main',
    greenImageTag: 'main',
    liveColour: 'blue',
    replicas: 1,
    idleReplicas: 1,
    resources: {
      cpuRequest: Cpu.millis(50),
      cpuLimit: Cpu.millis(250),
      memoryRequest: Size.mebibytes(128),
      memoryLimit: Size.mebibytes(256),
    },
    appEnv: 'development',
    appDebug: true,
    logLevel: 'debug',
    host: 'dev.shop.example.com',
  },
  monitoring: { mode: 'standalone', operatorSelector: KUBE_PROMETHEUS_STACK, runbookBaseUrl: RUNBOOKS, stack: DEV_MONITORING },
};

const staging: EnvironmentConfig = {
  name: 'staging',
  namespace: 'ecommerce',
  partOf: 'ecommerce',
  requirePinnedImages: true,
  tlsIssuer: { name: 'letsencrypt-staging', kind: 'ClusterIssuer' },
  ingressClassName: 'nginx',
  quota: {
    requestsCpu: Cpu.units(8),
    limitsCpu: Cpu.units(16),
    requestsMemory: Size.gibibytes(16),
    limitsMemory: Size.gibibytes(32),
    pods: 50,
  },
  containerDefaults: {
    cpuRequest: Cpu.millis(100),
    cpuLimit: Cpu.millis(500),
    memoryRequest: Size.mebibytes(128),
    memoryLimit: Size.mebibytes(512),
  },
  web: {
    appName: 'laravel',
    imageRepository: IMAGE_REPOSITORY,
    blueImageTag: 'v1.3.0',
    greenImageTag: 'v1.4.0-rc.1',
    liveColour: 'green',
    autoscaling: { minReplicas: 2, maxReplicas: 3 },
    idleReplicas: 2,
    resources: {
      cpuRequest: Cpu.millis(100),
      cpuLimit: Cpu.millis(500),
      memoryRequest: Size.mebibytes(192),
      memoryLimit: Size.mebibytes(384),
    },
    appEnv: 'staging',
    appDebug: false,
    logLevel: 'info',
    host: 'staging.shop.example.com',
  },
  // Staging runs the shared kube-prometheus-stack, so operator mode is exercised before anyone needs it.
  monitoring: { mode: 'operator', operatorSelector: KUBE_PROMETHEUS_STACK, runbookBaseUrl: RUNBOOKS, stack: STAGING_MONITORING },
};

const prod: EnvironmentConfig = {
  name: 'prod',
  namespace: 'ecommerce',
  partOf: 'ecommerce',
  requirePinnedImages: true,
  tlsIssuer: { name: 'letsencrypt-prod', kind: 'ClusterIssuer' },
  ingressClassName: 'nginx',
  quota: {
    requestsCpu: Cpu.units(16),
    limitsCpu: Cpu.units(32),
    requestsMemory: Size.gibibytes(32),
    limitsMemory: Size.gibibytes(64),
    pods: 100,
  },
  containerDefaults: {
    cpuRequest: Cpu.millis(100),
    cpuLimit: Cpu.millis(500),
    memoryRequest: Size.mebibytes(128),
    memoryLimit: Size.mebibytes(512),
  },
  web: {
    appName: 'laravel',
    imageRepository: IMAGE_REPOSITORY,
    // Seed 000: blue serves v1.2.3, green holds v1.3.0 ready for the switch.
    blueImageTag: 'v1.2.3',
    greenImageTag: 'v1.3.0',
    liveColour: 'blue',
    // Seed 000 runs 3 pods per colour; its laravel-hpa scales the live colour up to 10.
    autoscaling: { minReplicas: 3, maxReplicas: 10 },
    idleReplicas: 3,
    resources: {
      cpuRequest: Cpu.millis(250),
      cpuLimit: Cpu.millis(500),
      memoryRequest: Size.mebibytes(256),
      memoryLimit: Size.mebibytes(512),
    },
    appEnv: 'production',
    appDebug: false,
    logLevel: 'warning',
    host: 'shop.example.com',
  },
  // The seed's validation script checks prometheus-server, grafana and loki Deployments in `monitoring`.
  monitoring: { mode: 'standalone', operatorSelector: KUBE_PROMETHEUS_STACK, runbookBaseUrl: RUNBOOKS, stack: PROD_MONITORING },
};

/** The configuration of every environment, by name. */
export const ENVIRONMENTS: Readonly<Record<EnvironmentName, EnvironmentConfig>> = { dev, staging, prod };

/**
 * Returns an environment's configuration after validating it.
 *
 * @throws ValidationError for an unknown name or a wrong value, naming the environment and the field
 */
export function loadEnvironment(name: string, environments: Readonly<Record<string, EnvironmentConfig>> = ENVIRONMENTS): EnvironmentConfig {
  const config = Object.prototype.hasOwnProperty.call(environments, name) ? environments[name] : undefined;
  if (config === undefined) {
    const known = Object.keys(environments).map((n) => JSON.stringify(n)).join(', ');
    throw new ValidationError('environments', 'name', `unknown environment ${JSON.stringify(name)}; expected one of ${known}`);
  }
  validateEnvironment(name, config);
  return config;
}

/**
 * Checks the values whose meaning this file defines (which environment pins images, the colour and log
 * level vocabularies, replica bounds). Constructs check their own props again for library consumers;
 * both use the same checks, so the rules cannot drift apart.
 */
export function validateEnvironment(key: string, config: EnvironmentConfig): void {
  const where = `environment ${key}`;
  const check = (field: string, problem: string | undefined) => {
    if (problem !== undefined) {
      throw new ValidationError(where, field, problem);
    }
  };
  check('name', config.name === key ? undefined : `must equal its key ${JSON.stringify(key)}, got ${JSON.stringify(config.name)}`);
  check('namespace', checkDnsLabel(config.namespace));
  check('tlsIssuer.name', checkNonEmpty(config.tlsIssuer?.name));
  const web = config.web;
  check('web.appName', checkDnsLabel(web.appName));
  check('web.liveColour', checkOneOf(web.liveColour, COLOURS));
  check('web.logLevel', checkOneOf(web.logLevel, LOG_LEVELS));
  check('web.blueImageTag', checkImageTag(web.blueImageTag, config.requirePinnedImages));
  check('web.greenImageTag', checkImageTag(web.greenImageTag, config.requirePinnedImages));
  check('web.host', checkHostName(web.host));
  check('web.idleReplicas', checkInteger(web.idleReplicas, 1));
  if (web.replicas !== undefined) {
    check('web.replicas', checkInteger(web.replicas, 1));
  }
  if (web.autoscaling !== undefined) {
    check('web.autoscaling.minReplicas', checkInteger(web.autoscaling.minReplicas, 1));
    check('web.autoscaling.maxReplicas', checkInteger(web.autoscaling.maxReplicas, 1));
    check('web.autoscaling.minReplicas', checkReplicaBounds(web.autoscaling.minReplicas, web.autoscaling.maxReplicas));
  }
  const resources = checkResources(web.resources);
  if (resources !== undefined) {
    check(`web.resources.${resources.field}`, resources.problem);
  }
  check('monitoring.mode', checkOneOf(config.monitoring.mode, MONITORING_MODES));
  check('monitoring.runbookBaseUrl', /^https:\/\/[^\s]+[^/]$/.test(config.monitoring.runbookBaseUrl)
    ? undefined : `must be an https URL without a trailing slash, got ${JSON.stringify(config.monitoring.runbookBaseUrl)}`);
  validateMonitoringStack(config.monitoring.stack, check);
  if (config.web.appDebug && config.requirePinnedImages) {
    // Pinned images mark an environment that real users or release candidates run in.
    check('web.appDebug', 'must be false where images are pinned: debug pages leak stack traces and configuration');
  }
}

const PROMETHEUS_DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;

/** Checks `monitoring.stack`: every image pinned (in every environment), durations, sizes. */
function validateMonitoringStack(stack: MonitoringStackConfig, check: (field: string, problem: string | undefined) => void): void {
  for (const [name, image] of Object.entries(stack.images).sort(([a], [b]) => (a < b ? -1 : 1))) {
    check(`monitoring.stack.images.${name}`, checkPinnedImage(image));
  }
  check('monitoring.stack.prometheus.retentionTime', PROMETHEUS_DURATION.test(stack.prometheus.retentionTime)
    ? undefined : `must be a Prometheus duration such as "30d", got ${JSON.stringify(stack.prometheus.retentionTime)}`);
  const resources: Array<[string, ContainerResourceSpec]> = [
    ['prometheus.resources', stack.prometheus.resources],
    ['alertmanager.resources', stack.alertmanager.resources],
    ['grafana.resources', stack.grafana.resources],
    ['exporterResources', stack.exporterResources],
    ['kubeStateMetricsResources', stack.kubeStateMetricsResources],
  ];
  for (const [field, spec] of resources) {
    const problem = checkResources(spec);
    if (problem !== undefined) {
      check(`monitoring.stack.${field}.${problem.field}`, problem.problem);
    }
  }
  check('monitoring.stack.mysqlAddress', /^[a-z0-9.-]+:[0-9]+$/.test(stack.mysqlAddress)
    ? undefined : `must be host:port, got ${JSON.stringify(stack.mysqlAddress)}`);
  check('monitoring.stack.operatorPrometheusUrl', /^https?:\/\/[^\s]+$/.test(stack.operatorPrometheusUrl)
    ? undefined : `must be an http(s) URL, got ${JSON.stringify(stack.operatorPrometheusUrl)}`);
}
