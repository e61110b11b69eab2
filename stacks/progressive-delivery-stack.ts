import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { CanaryApp } from '../lib/delivery/canary-app';
import { ROLLOUTS_HASH_SERIES_LABEL } from '../lib/delivery/canary-options';
import { ReleaseHealth } from '../lib/delivery/release-health';
import { VerifiedSwitch } from '../lib/delivery/verified-switch';
import { LARAVEL_HEALTH_PROBES, LARAVEL_WRITABLE_PATHS, PLATFORM_DELIVERY_ANNOTATION_PREFIX, PROBE_TYPE_HEADER } from '../lib/laravel/laravel-defaults';
import { PlatformSlos } from '../lib/laravel/platform-slos';
import { MonitoringNames } from '../lib/observability/monitoring-names';
import { BlueGreenApp } from '../lib/web/blue-green-app';
import { DeliveryConfig, EnvironmentConfig } from './config';
import { LaravelConfig } from '../lib/laravel/laravel-config';
import { laravelRuntime } from './laravel-runtime';
import { LARAVEL_METRICS_PORT, LARAVEL_PORT, ingressAccess } from './web-stack';

/** Props of {@link ProgressiveDeliveryStack}. */
export interface ProgressiveDeliveryStackProps {
  /** The environment to render. */
  readonly config: EnvironmentConfig;

  /** Its delivery section (only environments that have one render this chart). */
  readonly delivery: DeliveryConfig;

  /** The web tier's blue/green app. */
  readonly app: BlueGreenApp;

  /** The web tier's ConfigMaps (`laravel-config`, `nginx-config`), which a canary of the web tier reads too. */
  readonly laravelConfig: LaravelConfig;

  /** The SLOs the alerting renders: the one definition of a healthy release. */
  readonly slos: PlatformSlos;
}

/**
 * Progressive delivery of one environment (`delivery.k8s.yaml`, README "Progressive delivery"): the
 * verified blue/green switch (a Sync hook after the switch that watches the new colour and switches back on an SLO
 * breach) and its per-colour recording rules.
 */
export class ProgressiveDeliveryStack extends Chart {
  /** Recording rules by colour. */
  public readonly colourHealth: ReleaseHealth;

  /** The verification hook, where the environment configures it. */
  public readonly verifiedSwitch?: VerifiedSwitch;

  /** Recording rules by canary pod template hash, where the environment runs a canary. */
  public readonly canaryHealth?: ReleaseHealth;

  /** The canary release, where the environment configures one. */
  public readonly canary?: CanaryApp;

  constructor(scope: Construct, id: string, props: ProgressiveDeliveryStackProps) {
    const { config, delivery } = props;
    super(scope, id, { namespace: config.namespace, disableResourceNameHashes: true });
    this.colourHealth = new ReleaseHealth(this, 'ColourHealth', {
      availability: props.slos.availability,
      latency: props.slos.latency,
      releaseLabel: props.app.colourLabel.replace(/[^a-zA-Z0-9_]/g, '_'),
    });
    const prometheusUrl = config.monitoring.mode === 'operator'
      ? config.monitoring.stack.operatorPrometheusUrl
      : `http://${MonitoringNames.PROMETHEUS_SERVICE}.${MonitoringNames.NAMESPACE}.svc:${MonitoringNames.PROMETHEUS_PORT}`;
    const verify = delivery.verifiedSwitch;
    if (verify !== undefined) {
      this.verifiedSwitch = new VerifiedSwitch(this, 'VerifiedSwitch', {
        app: props.app,
        health: this.colourHealth,
        prometheusUrl,
        image: verify.image,
        resources: verify.resources,
        apiServerCidr: config.network.clusterNodesCidr,
        bakeTime: verify.bakeTime,
        checkInterval: verify.checkInterval,
        errorRatioMax: verify.errorRatioMax,
        latencyMax: verify.latencyP95Max,
        rollbackCommand: `npm run rollback -- ${config.name}`,
        annotationPrefix: PLATFORM_DELIVERY_ANNOTATION_PREFIX,
      });
    }
    const canary = delivery.canary;
    if (canary !== undefined) {
      this.canaryHealth = new ReleaseHealth(this, 'CanaryHealth', {
        availability: props.slos.availability,
        latency: props.slos.latency,
        releaseLabel: ROLLOUTS_HASH_SERIES_LABEL,
      });
      const web = config.web;
      const runtime = laravelRuntime(this, config, { stripeWebhooks: true });
      // The web tier's pods a second time, on the canary's image: the same port layout (metrics on the port only
      // Prometheus reaches), probes, environment and files, and the same `app` label, so the web tier's scrape
      // job, SLOs and NetworkPolicies cover the canary's pods too.
      this.canary = new CanaryApp(this, 'Canary', {
        name: canary.appName,
        appLabel: web.appName,
        partOf: config.partOf,
        imageRepository: web.imageRepository,
        imageTag: canary.imageTag,
        requirePinnedImages: config.requirePinnedImages,
        replicas: canary.replicas,
        resources: web.resources,
        containerPort: LARAVEL_PORT,
        metricsPort: LARAVEL_METRICS_PORT,
        metricsPath: props.app.metricsPath,
        probes: LARAVEL_HEALTH_PROBES,
        probeTypeHeader: PROBE_TYPE_HEADER,
        writablePaths: LARAVEL_WRITABLE_PATHS,
        env: runtime.env,
        secretEnv: runtime.secretEnv,
        envFromConfigMaps: [props.laravelConfig.appConfig],
        envFromSecrets: [runtime.laravelSecrets],
        configMapMounts: [{ configMap: props.laravelConfig.nginxConfig, path: '/etc/nginx/conf.d' }],
        ingress: {
          host: canary.host,
          certificateName: `${canary.appName}-tls`,
          issuerName: config.tlsIssuer.name,
          issuerKind: config.tlsIssuer.kind,
          ingressClassName: config.ingressClassName,
          // The same restriction as the web tier's Ingress (VPN and login outside production).
          ...ingressAccess(this, config),
        },
        weightsPercent: canary.weightsPercent,
        pause: canary.pause,
        analysis: {
          health: this.canaryHealth,
          prometheusUrl,
          interval: canary.analysisInterval,
          count: canary.analysisCount,
          failureLimit: canary.analysisFailureLimit,
          errorRatioMax: canary.errorRatioMax,
          latencyMax: canary.latencyP95Max,
        },
      });
    }
  }
}
