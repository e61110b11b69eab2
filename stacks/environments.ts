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
import { NAMESPACE_NAME_LABEL, PodPeer } from '../lib/network-connections';
import { POLICY_RULE_IDS, PolicyRuleId } from '../lib/policy';
import { ValidationError } from '../lib/internal/errors';
import { checkCidr, checkDnsLabel, checkHostName, checkLabelKey, checkLabelValue, checkImageTag, checkInteger, checkNonEmpty, checkOneOf, checkReplicaBounds } from '../lib/internal/checks';

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

/** The synth-time policy pass (README "Policy checks"). */
export interface PolicyConfig {
  /**
   * Rules whose findings are printed as warnings instead of failing synth. Allowed only where images are
   * not pinned (dev): staging and prod fail on every finding.
   */
  readonly warnings: readonly PolicyRuleId[];
}

/** Where the peers of the derived NetworkPolicies run (README "Network policies"). */
export interface NetworkConfig {
  /** The ingress controller: labels of its namespace and, optionally, of its pods. */
  readonly ingressController: PodPeer;

  /** Prometheus, which scrapes every metrics port. */
  readonly prometheus: PodPeer;

  /** Addresses of HTTPS APIs outside the cluster (Stripe, S3), minus the blocks pods must not reach. */
  readonly externalHttps: { readonly cidr: string; readonly except: readonly string[] };
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

  /** Severity of the policy rules. */
  readonly policy: PolicyConfig;

  /** Peers of the NetworkPolicies. */
  readonly network: NetworkConfig;
}

/** The ingress-nginx controller's namespace, labelled by the API server with its name. */
const INGRESS_NGINX: PodPeer = { namespaceLabels: { [NAMESPACE_NAME_LABEL]: 'ingress-nginx' }, podLabels: {} };
const PROMETHEUS: PodPeer = { namespaceLabels: { [NAMESPACE_NAME_LABEL]: 'monitoring' }, podLabels: { 'app.kubernetes.io/name': 'prometheus' } };
/**
 * The internet minus private ranges (RFC 1918) and link-local (the cloud metadata endpoint): pods reach
 * Stripe and S3 but not other services of the VPC or the node's credentials.
 */
const PUBLIC_INTERNET = { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'] };
const NETWORK: NetworkConfig = { ingressController: INGRESS_NGINX, prometheus: PROMETHEUS, externalHttps: PUBLIC_INTERNET };

const IMAGE_REPOSITORY = 'ghcr.io/ibekzod/laravel-ecommerce';
const RUNBOOKS = 'https://runbooks.shop.example.com';
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
  monitoring: { mode: 'standalone', operatorSelector: KUBE_PROMETHEUS_STACK, runbookBaseUrl: RUNBOOKS },
  // Dev runs the moving `main` tag on purpose (README "Environments"): report it, don't fail.
  policy: { warnings: ['image-pinned'] },
  network: NETWORK,
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
  policy: { warnings: [] },
  network: NETWORK,
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
  policy: { warnings: [] },
  network: NETWORK,
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
  if (config.web.appDebug && config.requirePinnedImages) {
    // Pinned images mark an environment that real users or release candidates run in.
    check('web.appDebug', 'must be false where images are pinned: debug pages leak stack traces and configuration');
  }
  validatePolicyAndNetwork(config, check);
}

function validatePolicyAndNetwork(config: EnvironmentConfig, check: (field: string, problem: string | undefined) => void): void {
  config.policy.warnings.forEach((rule, i) => check(`policy.warnings[${i}]`, checkOneOf(rule, POLICY_RULE_IDS)));
  if (config.requirePinnedImages && config.policy.warnings.length > 0) {
    check('policy.warnings', `must be empty where images are pinned: every policy finding fails synth there, got ${JSON.stringify(config.policy.warnings)}`);
  }
  for (const peer of ['ingressController', 'prometheus'] as const) {
    const { namespaceLabels, podLabels } = config.network[peer];
    if (Object.keys(namespaceLabels).length === 0) {
      check(`network.${peer}.namespaceLabels`, 'required: at least one label of the namespace');
    }
    for (const [key, value] of Object.entries({ ...namespaceLabels, ...podLabels })) {
      check(`network.${peer}.labels.${key}`, checkLabelKey(key) ?? checkLabelValue(value));
    }
  }
  check('network.externalHttps.cidr', checkCidr(config.network.externalHttps.cidr));
  config.network.externalHttps.except.forEach((cidr, i) => check(`network.externalHttps.except[${i}]`, checkCidr(cidr)));
}
