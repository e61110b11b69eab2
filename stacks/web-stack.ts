import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AppNamespace } from '../lib/core/app-namespace';
import { BlueGreenApp } from '../lib/web/blue-green-app';
import { LARAVEL_COLOUR_LABEL, LARAVEL_HEALTH_PROBES, LARAVEL_REDIS_PREFIX, LARAVEL_WRITABLE_PATHS, LaravelConfig, PROBE_TYPE_HEADER, laravelReadHostSettings } from '../lib/laravel';
import { MysqlServiceNames } from '../lib/data/mysql-cluster';
import { LabelKeys } from '../lib/core/labels';
import { NetworkConnections, NetworkPeer } from '../lib/safety/network-connections';
import { TlsIngress, TlsIngressOptions } from '../lib/web/tls-ingress';
import { EnvironmentConfig } from './config';
import { laravelRuntime } from './laravel-runtime';

/** Props of {@link WebStack}. */
export interface WebStackProps {
  /** The environment to render. */
  readonly config: EnvironmentConfig;
}

/** Port the Laravel pods serve HTTP and metrics on (nginx `listen`, container port `http`). */
export const LARAVEL_PORT = 8080;

/** Port only Prometheus reaches: nginx serves `/metrics` there and nowhere else (README "Access"). */
export const LARAVEL_METRICS_PORT = 9090;

/**
 * Who may reach the environment's public hosts (`web.access`: seed 004's VPN and login outside production), as
 * `TlsIngress` options. Every Ingress of the environment takes its restriction from here: the web tier's and
 * the canary's.
 */
export function ingressAccess(scope: Construct, config: EnvironmentConfig): Pick<TlsIngressOptions, 'allowSourceRanges' | 'basicAuthSecret' | 'externalAuth'> {
  const access = config.web.access;
  return {
    allowSourceRanges: [...access.allowSourceRanges],
    basicAuthSecret: access.basicAuthSecret === undefined ? undefined : kplus.Secret.fromSecretName(scope, 'BasicAuth', access.basicAuthSecret),
    externalAuth: access.externalAuth,
  };
}

/**
 * The web tier of one environment: namespace, configuration, the blue/green Laravel app and its ingress.
 *
 * Wiring only: every value comes from the environment configuration.
 */
export class WebStack extends Chart {
  /** Namespace `ecommerce` with its quota and limits. */
  public readonly appNamespace: AppNamespace;

  /** ConfigMaps `laravel-config` and `nginx-config`. */
  public readonly laravelConfig: LaravelConfig;

  /** The blue/green Laravel app. */
  public readonly laravel: BlueGreenApp;

  /** Ingress `laravel-ingress` and Certificate `ecommerce-tls`. */
  public readonly ingress: TlsIngress;

  constructor(scope: Construct, id: string, props: WebStackProps) {
    const { config } = props;
    super(scope, id, { namespace: config.namespace, disableResourceNameHashes: true });
    const web = config.web;

    this.appNamespace = new AppNamespace(this, 'Namespace', {
      name: config.namespace,
      partOf: config.partOf,
      quota: config.quota,
      containerDefaults: config.containerDefaults,
    });

    this.laravelConfig = new LaravelConfig(this, 'Config', {
      appName: web.appName,
      partOf: config.partOf,
      metricsPort: LARAVEL_METRICS_PORT,
      settings: {
        APP_URL: `https://${web.host}`,
        LOG_LEVEL: web.logLevel,
        DB_PORT: '3306',
        DB_DATABASE: 'ecommerce',
        // Service `redis` in this namespace; the seed's validation script reads REDIS_HOST from here.
        REDIS_HOST: 'redis',
        REDIS_PORT: '6379',
        // Stated rather than derived from APP_NAME: the queue scaler and the exporter read these keys.
        REDIS_PREFIX: LARAVEL_REDIS_PREFIX,
        SESSION_DRIVER: 'redis',
        // Reads go to the replicas (writes to DB_HOST); Laravel's sticky option keeps a request that wrote
        // reading its own writes from the primary (README "Reads from the replicas").
        ...laravelReadHostSettings(
          config.mysql.readHosts ?? Array.from({ length: config.mysql.replicas }, (_, n) => MysqlServiceNames.replica(n + 1)),
          MysqlServiceNames.PRIMARY),
      },
    });

    const runtime = laravelRuntime(this, config, { stripeWebhooks: true });

    this.laravel = new BlueGreenApp(this, 'Laravel', {
      name: web.appName,
      partOf: config.partOf,
      imageRepository: web.imageRepository,
      blueImageTag: web.blueImageTag,
      greenImageTag: web.greenImageTag,
      liveColour: web.liveColour,
      requirePinnedImages: config.requirePinnedImages,
      resources: web.resources,
      replicas: web.replicas,
      // CPU and memory only: nothing in the cluster serves a request-rate metric (README "Autoscaling").
      autoscaling: web.autoscaling,
      idleReplicas: web.idleReplicas,
      hotfix: web.hotfix,
      containerPort: LARAVEL_PORT,
      metricsPort: LARAVEL_METRICS_PORT,
      probes: LARAVEL_HEALTH_PROBES,
      probeTypeHeader: PROBE_TYPE_HEADER,
      colourLabel: LARAVEL_COLOUR_LABEL,
      writablePaths: [...LARAVEL_WRITABLE_PATHS],
      env: runtime.env,
      secretEnv: runtime.secretEnv,
      envFromConfigMaps: [this.laravelConfig.appConfig],
      envFromSecrets: [runtime.laravelSecrets],
      configMapMounts: [{ configMap: this.laravelConfig.nginxConfig, path: '/etc/nginx/conf.d' }],
    });

    this.ingress = new TlsIngress(this, 'Ingress', {
      name: `${web.appName}-ingress`,
      partOf: config.partOf,
      host: web.host,
      service: this.laravel.liveService,
      certificateName: `${config.partOf}-tls`,
      issuerName: config.tlsIssuer.name,
      issuerKind: config.tlsIssuer.kind,
      ingressClassName: config.ingressClassName,
      ...ingressAccess(this, config),
    });

    // Who the web tier talks to. The NetworkPolicies are derived from these declarations (README
    // "Network policies"); MySQL and Redis are the pods `app: mysql` / `app: redis` of this namespace.
    const network = NetworkConnections.of(this);
    const laravelPods = NetworkPeer.pods(config.namespace, { [LabelKeys.APP]: web.appName });
    network.allow(this.laravel, { from: NetworkPeer.ingressController(), to: laravelPods, port: LARAVEL_PORT, reason: 'shop traffic through the ingress' });
    network.allow(this.laravel, { from: NetworkPeer.prometheus(), to: laravelPods, port: LARAVEL_METRICS_PORT, reason: 'metrics scrape (prometheus.io/port)' });
    network.allow(this.laravel, { from: laravelPods, to: NetworkPeer.pods(config.namespace, { [LabelKeys.APP]: 'mysql' }), port: 3306, reason: 'orders, users and catalogue in MySQL' });
    network.allow(this.laravel, { from: laravelPods, to: NetworkPeer.pods(config.namespace, { [LabelKeys.APP]: 'redis' }), port: 6379, reason: 'cache, sessions and queues in Redis' });
    const external = config.network.externalHttps;
    network.allow(this.laravel, { from: laravelPods, to: NetworkPeer.cidr(external.cidr, external.except), port: 443, reason: 'Stripe API and S3 uploads over HTTPS' });
  }
}
