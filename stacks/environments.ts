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
import { AlertmanagerReceivers } from '../lib/alertmanager-routing';
import { PLATFORM_ALERT_NAMES, PlatformAlertThresholds, SEED_ALERT_THRESHOLDS } from '../lib/platform-alerts';
import { ValidationError } from '../lib/internal/errors';
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
}

/** Alerting of one environment: thresholds, which alerts are on, and where notifications go. */
export interface AlertingConfig {
  /** Thresholds of the seed alerts. */
  readonly thresholds: PlatformAlertThresholds;

  /** Seed alerts switched off (names from PLATFORM_ALERT_NAMES). */
  readonly disabledAlerts: readonly string[];

  /** Request rate per second above which a blue/green colour counts as serving (both serving = misrouted). */
  readonly colourTrafficRequestsPerSecond: number;

  /** Alertmanager receivers; credentials live in the Secret `alertmanager-receivers`, never here. */
  readonly receivers: AlertmanagerReceivers;
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

  /** Alert thresholds and routing. */
  readonly alerting: AlertingConfig;
}

const IMAGE_REPOSITORY = 'ghcr.io/ibekzod/laravel-ecommerce';
const RUNBOOKS = 'https://runbooks.shop.example.com';
/** kube-prometheus-stack installed as release `kube-prometheus-stack` picks up objects labelled so. */
const KUBE_PROMETHEUS_STACK = { release: 'kube-prometheus-stack' };

/** Receivers shared by every environment; channels and heartbeats differ. */
function receivers(environment: string, chatChannel: string): AlertmanagerReceivers {
  return {
    pagerReceiver: 'team-pagerduty',
    chatReceiver: 'team-slack',
    chatChannel,
    emailReceiver: 'team-email',
    emailTo: `alerts-${environment}@shop.example.com`,
    emailFrom: `alertmanager-${environment}@shop.example.com`,
    smtpSmarthost: 'smtp.shop.example.com:587',
    smtpUsername: 'alertmanager',
    deadMansSwitchReceiver: 'deadmans-switch',
    // Opsgenie heartbeat: the URL names the heartbeat, the API key (a credential file) authenticates it.
    deadMansSwitchUrl: `https://api.opsgenie.com/v2/heartbeats/ecommerce-${environment}-alertmanager/ping`,
    deadMansSwitchAuthorizationType: 'GenieKey',
  };
}

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
  monitoring: { mode: 'standalone', operatorSelector: KUBE_PROMETHEUS_STACK, runbookBaseUrl: RUNBOOKS },
  alerting: {
    // One small pod per colour under debug logging: tolerate more before anyone is bothered.
    thresholds: { ...SEED_ALERT_THRESHOLDS, errorRatePercent: 20, responseTimeP95Seconds: 5, averageResponseTimeSeconds: 3 },
    // No real customers: payments, orders and carts are test traffic.
    disabledAlerts: ['PaymentFailureSpike', 'NoOrdersProcessed', 'HighCartAbandonmentRate'],
    colourTrafficRequestsPerSecond: 5,
    receivers: receivers('dev', '#dev-alerts'),
  },
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
  monitoring: { mode: 'operator', operatorSelector: KUBE_PROMETHEUS_STACK, runbookBaseUrl: RUNBOOKS },
  alerting: {
    thresholds: SEED_ALERT_THRESHOLDS,
    // Synthetic checkout traffic only: nights without orders are normal.
    disabledAlerts: ['NoOrdersProcessed', 'HighCartAbandonmentRate'],
    colourTrafficRequestsPerSecond: 2,
    receivers: receivers('staging', '#staging-alerts'),
  },
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
  monitoring: { mode: 'standalone', operatorSelector: KUBE_PROMETHEUS_STACK, runbookBaseUrl: RUNBOOKS },
  alerting: {
    thresholds: SEED_ALERT_THRESHOLDS,
    disabledAlerts: [],
    colourTrafficRequestsPerSecond: 1,
    // Seed 000's channel.
    receivers: receivers('prod', '#production-alerts'),
  },
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
  const alerting = config.alerting;
  for (const [field, value] of Object.entries(alerting.thresholds)) {
    check(`alerting.thresholds.${field}`, typeof value === 'number' && Number.isFinite(value) && value > 0 ? undefined : `must be a positive number, got ${JSON.stringify(value)}`);
  }
  for (const name of alerting.disabledAlerts) {
    check('alerting.disabledAlerts', checkOneOf(name, PLATFORM_ALERT_NAMES));
  }
  check('alerting.colourTrafficRequestsPerSecond', alerting.colourTrafficRequestsPerSecond > 0
    ? undefined : `must be a positive number, got ${JSON.stringify(alerting.colourTrafficRequestsPerSecond)}`);
  for (const [field, value] of Object.entries(alerting.receivers)) {
    check(`alerting.receivers.${field}`, checkNonEmpty(value));
  }
  if (config.web.appDebug && config.requirePinnedImages) {
    // Pinned images mark an environment that real users or release candidates run in.
    check('web.appDebug', 'must be false where images are pinned: debug pages leak stack traces and configuration');
  }
}
