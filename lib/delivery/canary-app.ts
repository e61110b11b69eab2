import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AnalysisTemplate, AnalysisTemplateSpecMetricsCount, AnalysisTemplateSpecMetricsFailureLimit, Rollout, RolloutSpecStrategyCanarySteps,
  RolloutSpecStrategyCanaryStepsPauseDuration, RolloutSpecTemplate, RolloutSpecTemplateSpecContainersLivenessProbeHttpGetPort,
  RolloutSpecTemplateSpecContainersReadinessProbeHttpGetPort, RolloutSpecTemplateSpecContainersStartupProbeHttpGetPort,
} from '../../imports/argoproj.io';
import { AlertCatalogue } from '../alerting/alert-catalogue';
import { checkPromql } from '../alerting/promql';
import { checkDnsLabel, checkHostName, checkInteger, checkNonEmpty, checkPort } from '../core/checks';
import { ContainerResourceSpec, checkResources, memoryQuantity } from '../core/container-resources';
import { assertAt, failAt, show } from '../core/errors';
import { HealthProbes } from '../core/http-probes';
import { AnnotationKeys, LabelKeys, recommendedLabels } from '../core/labels';
import { checkPinnedImage } from '../observability/monitoring-server';
import { NetworkConnections, NetworkPeer } from '../safety/network-connections';
import { checkCanaryWeights } from './canary-steps';
import { metricNames } from './private/promql-series';
import { RELEASE_VALUE_PLACEHOLDER, ReleaseHealth } from './release-health';
import { SyncWave, SyncWaves } from './sync-waves';
import { checkFraction } from './verified-switch';

/** The analysis argument that carries the canary's pod template hash (`podTemplateHashValue: Latest`). */
export const CANARY_HASH_ARG = 'canary-hash';

/** Series label Prometheus gives the pod label Argo Rollouts puts on every pod (`rollouts-pod-template-hash`). */
export const ROLLOUTS_HASH_SERIES_LABEL = 'rollouts_pod_template_hash';

/** Pod label Argo Rollouts puts on every pod of a Rollout; copy it onto the app's series to tell canary from stable. */
export const ROLLOUTS_HASH_POD_LABEL = 'rollouts-pod-template-hash';

/** One measurement of a canary analysis: a query and the highest value that passes. */
export interface CanaryAnalysisMetric {
  /** Metric name in the AnalysisTemplate (`error-ratio`). */
  readonly name: string;
  /** PromQL; `{{args.canary-hash}}` stands for the canary's pod template hash. Every series it names must be recorded. */
  readonly query: string;
  /** Highest value that passes. */
  readonly max: number;
}

/** The analysis between canary steps. */
export interface CanaryAnalysisProps {
  /** Recording rules split by {@link ROLLOUTS_HASH_SERIES_LABEL}: the error ratio and latency measured. */
  readonly health: ReleaseHealth;

  /** Base URL of the Prometheus that evaluates `health`'s rules. */
  readonly prometheusUrl: string;

  /**
   * Time between two measurements.
   *
   * @default Duration.minutes(1)
   */
  readonly interval?: Duration;

  /**
   * Measurements per analysis.
   *
   * @default 5
   */
  readonly count?: number;

  /**
   * Failed measurements tolerated; one more fails the analysis, aborts the rollout and returns all traffic to stable.
   *
   * @default 1
   */
  readonly failureLimit?: number;

  /**
   * Highest error ratio, a fraction in (0, 1].
   *
   * @default 0.001
   */
  readonly errorRatioMax?: number;

  /**
   * Highest response time percentile.
   *
   * @default Duration.millis(200)
   */
  readonly latencyMax?: Duration;

  /**
   * Further measurements, each checked like the built-in two.
   *
   * @default - only the error ratio and the latency percentile
   */
  readonly extraMetrics?: readonly CanaryAnalysisMetric[];
}

/** Props of {@link CanaryApp}. */
export interface CanaryAppProps {
  /** App name: Rollout `<name>`, Services `<name>-stable` and `<name>-canary`, Ingress `<name>-ingress`, AnalysisTemplate `<name>-slo`. */
  readonly name: string;

  /** System the app belongs to (`app.kubernetes.io/part-of`). */
  readonly partOf: string;

  /** Image, pinned (a semantic version or digest). */
  readonly image: string;

  /** Pods of the Rollout. */
  readonly replicas: number;

  /** Requests and limits of the container. */
  readonly resources: ContainerResourceSpec;

  /** Port the container serves HTTP on (named `http`). */
  readonly containerPort: number;

  /** Startup, liveness and readiness probes. */
  readonly probes: HealthProbes;

  /** Public host of the stable Ingress. */
  readonly host: string;

  /** IngressClass of the stable Ingress: ingress-nginx, which Argo Rollouts drives. */
  readonly ingressClassName: string;

  /**
   * Path the pods serve Prometheus metrics on (at `containerPort`); the pods carry the `prometheus.io/*` annotations.
   *
   * @default - the app exposes no metrics, and cannot have an analysis
   */
  readonly metricsPath?: string;

  /**
   * Canary traffic weights in percent: increasing, the last one 100.
   *
   * @default [10, 50, 100]
   */
  readonly weightsPercent?: readonly number[];

  /**
   * Pause after setting each weight below 100, before its analysis.
   *
   * @default Duration.minutes(1)
   */
  readonly pause?: Duration;

  /**
   * Analysis after each weight below 100.
   *
   * @default - no analysis: the steps only pause
   */
  readonly analysis?: CanaryAnalysisProps;

  /** ConfigMaps the container reads with `envFrom`. @default - none */
  readonly envFromConfigMaps?: readonly kplus.IConfigMap[];

  /** Secrets the container reads with `envFrom`. @default - none */
  readonly envFromSecrets?: readonly kplus.ISecret[];

  /**
   * UID and GID the image runs as.
   *
   * @default 1000
   */
  readonly runAsUser?: number;

  /**
   * Value of the pods' `app` label, so the app's scrape job, alerts and NetworkPolicies cover the canary too.
   * The Services also select on `app.kubernetes.io/instance: <name>`.
   *
   * @default - the name
   */
  readonly appLabel?: string;

  /**
   * Paths the app writes to under a read-only root filesystem; each gets an `emptyDir`.
   *
   * @default - none
   */
  readonly writablePaths?: readonly string[];

  /**
   * Header carrying the probe type (`startup`, `liveness`, `readiness`) on probe requests.
   *
   * @default - no header
   */
  readonly probeTypeHeader?: string;
}

const HTTP = 'http';

/**
 * A canary release with Argo Rollouts: a `Rollout` with canary steps (10 % -> analysis -> 50 % -> analysis ->
 * 100 % by default) routed through ingress-nginx (stable and canary Services; Argo Rollouts manages the
 * canary Ingress beside the stable one), and an `AnalysisTemplate` (Prometheus provider) whose queries are
 * the canary pods' SLO recording rules ({@link ReleaseHealth}). A failed analysis aborts the rollout and
 * returns all traffic to stable: that is the automatic rollback. Argo CD reports Rollout health natively.
 *
 * Every analysis query is parsed at synth and every series it names must be recorded by a rule in the
 * {@link AlertCatalogue}; the AnalysisTemplate is applied a wave before the Rollout.
 */
export class CanaryApp extends Construct {
  /** The Rollout `<name>`. */
  public readonly rollout: Rollout;

  /** Service `<name>-stable`. */
  public readonly stableService: kplus.k8s.KubeService;

  /** Service `<name>-canary`. */
  public readonly canaryService: kplus.k8s.KubeService;

  /** Ingress `<name>-ingress` (the stable Ingress). */
  public readonly ingress: kplus.k8s.KubeIngress;

  /** AnalysisTemplate `<name>-slo`, when there is an analysis. */
  public readonly analysisTemplate?: AnalysisTemplate;

  /** The weights, in order. */
  public readonly weightsPercent: readonly number[];

  constructor(scope: Construct, id: string, props: CanaryAppProps) {
    super(scope, id);
    const weights = props.weightsPercent ?? [10, 50, 100];
    const pause = props.pause ?? Duration.minutes(1);
    const runAsUser = props.runAsUser ?? 1000;
    assertAt(this, 'name', checkDnsLabel(props.name));
    assertAt(this, 'partOf', checkNonEmpty(props.partOf));
    assertAt(this, 'image', checkPinnedImage(props.image));
    assertAt(this, 'replicas', checkInteger(props.replicas, 1));
    const resources = checkResources(props.resources);
    if (resources !== undefined) {
      failAt(this, `resources.${resources.field}`, resources.problem);
    }
    assertAt(this, 'containerPort', checkPort(props.containerPort));
    assertAt(this, 'host', checkHostName(props.host));
    assertAt(this, 'ingressClassName', checkDnsLabel(props.ingressClassName));
    assertAt(this, 'weightsPercent', checkCanaryWeights(weights));
    const pauseSeconds = pause instanceof Duration ? pause.toMilliseconds() / 1000 : NaN;
    assertAt(this, 'pause', Number.isInteger(pauseSeconds) && pauseSeconds >= 0 ? undefined : `must be whole seconds, got ${show(pause)}`);
    assertAt(this, 'runAsUser', checkInteger(runAsUser, 1));
    if (props.metricsPath !== undefined) {
      assertAt(this, 'metricsPath', /^\/[A-Za-z0-9\-._~/]*$/.test(props.metricsPath) ? undefined : `must be an absolute path, got ${show(props.metricsPath)}`);
    }
    if (props.analysis !== undefined && props.metricsPath === undefined) {
      failAt(this, 'analysis', `${props.name} exposes no metrics (metricsPath is not set): an analysis would have nothing to measure`);
    }
    this.weightsPercent = [...weights];

    const name = props.name;
    const appLabel = props.appLabel ?? name;
    assertAt(this, 'appLabel', checkDnsLabel(appLabel));
    (props.writablePaths ?? []).forEach((p, i) => assertAt(this, `writablePaths[${i}]`, /^\/[A-Za-z0-9\-._/]+$/.test(p) ? undefined : `must be an absolute path, got ${show(p)}`));
    const selector = { [LabelKeys.APP]: appLabel, [LabelKeys.INSTANCE]: name };
    const labels = (instance: string) => ({ ...recommendedLabels({ name: appLabel, instance, component: 'web', partOf: props.partOf }), [LabelKeys.APP]: appLabel });
    const metricsList = props.analysis === undefined ? [] : this.analysisMetrics(props.analysis);
    const templateName = `${name}-slo`;
    if (props.analysis !== undefined) {
      this.analysisTemplate = this.renderAnalysisTemplate(templateName, labels(templateName), props.analysis, metricsList);
      // The template must exist before the Rollout's first step asks for it.
      SyncWaves.setWave(ApiObject.of(this.analysisTemplate), SyncWave.CONFIG);
    }

    const service = (suffix: string) => new kplus.k8s.KubeService(this, suffix === 'stable' ? 'StableService' : 'CanaryService', {
      metadata: { name: `${name}-${suffix}`, labels: labels(`${name}-${suffix}`) },
      spec: { selector, ports: [{ name: HTTP, port: 80, targetPort: kplus.k8s.IntOrString.fromString(HTTP) }] },
    });
    this.stableService = service('stable');
    this.canaryService = service('canary');

    this.ingress = new kplus.k8s.KubeIngress(this, 'Ingress', {
      metadata: { name: `${name}-ingress`, labels: labels(`${name}-ingress`) },
      spec: {
        ingressClassName: props.ingressClassName,
        rules: [{
          host: props.host,
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: this.stableService.name, port: { name: HTTP } } } }] },
        }],
      },
    });

    const steps: RolloutSpecStrategyCanarySteps[] = [];
    for (const weight of weights) {
      steps.push({ setWeight: weight });
      if (weight === 100) {
        continue;
      }
      if (pauseSeconds > 0) {
        steps.push({ pause: { duration: RolloutSpecStrategyCanaryStepsPauseDuration.fromString(`${pauseSeconds}s`) } });
      }
      if (props.analysis !== undefined) {
        steps.push({ analysis: { templates: [{ templateName }], args: [{ name: CANARY_HASH_ARG, valueFrom: { podTemplateHashValue: 'Latest' } }] } });
      }
    }

    this.rollout = new Rollout(this, 'Rollout', {
      metadata: { name, labels: labels(name) },
      spec: {
        replicas: props.replicas,
        revisionHistoryLimit: 3,
        selector: { matchLabels: selector },
        strategy: {
          canary: {
            stableService: this.stableService.name,
            canaryService: this.canaryService.name,
            trafficRouting: { nginx: { stableIngress: this.ingress.name } },
            steps,
          },
        },
        template: this.podTemplate(props, labels(name), runAsUser),
      },
    });
    SyncWaves.setWave(ApiObject.of(this.rollout), SyncWave.WORKLOADS);

    const pods = NetworkPeer.pods(ApiObject.of(this.rollout).metadata.namespace ?? 'default', selector);
    const network = NetworkConnections.of(this);
    network.allow(this, { from: NetworkPeer.ingressController(), to: pods, port: props.containerPort, reason: `${name} traffic (stable and canary) through the ingress` });
    if (props.metricsPath !== undefined) {
      network.allow(this, { from: NetworkPeer.prometheus(), to: pods, port: props.containerPort, reason: `metrics scrape of ${name}` });
    }
    if (props.analysis !== undefined) {
      // Every query may only name recorded series: checked once the whole tree (and so every rule) exists.
      this.node.addValidation({ validate: () => this.unrecordedSeries(metricsList) });
    }
  }

  private analysisMetrics(analysis: CanaryAnalysisProps): CanaryAnalysisMetric[] {
    const health = analysis.health;
    if (health.releaseLabel !== ROLLOUTS_HASH_SERIES_LABEL) {
      failAt(this, 'analysis.health', `must split by ${show(ROLLOUTS_HASH_SERIES_LABEL)} (the canary's pod template hash), got ${show(health.releaseLabel)}`);
    }
    const errorRatioMax = analysis.errorRatioMax ?? 0.001;
    const latencyMax = analysis.latencyMax ?? Duration.millis(200);
    assertAt(this, 'analysis.errorRatioMax', checkFraction(errorRatioMax));
    const latencySeconds = latencyMax instanceof Duration ? latencyMax.toMilliseconds() / 1000 : NaN;
    assertAt(this, 'analysis.latencyMax', latencySeconds > 0 ? undefined : `must be a positive duration, got ${show(latencyMax)}`);
    const arg = `{{args.${CANARY_HASH_ARG}}}`;
    const metrics: CanaryAnalysisMetric[] = [
      { name: 'error-ratio', query: health.errorRatio.selectorTemplate.split(RELEASE_VALUE_PLACEHOLDER).join(arg), max: errorRatioMax },
      { name: 'latency', query: health.latencyPercentile.selectorTemplate.split(RELEASE_VALUE_PLACEHOLDER).join(arg), max: latencySeconds },
      ...(analysis.extraMetrics ?? []),
    ];
    const seen = new Set<string>();
    metrics.forEach((m, i) => {
      const where = `analysis.metrics[${i}]`;
      assertAt(this, `${where}.name`, checkDnsLabel(m.name));
      assertAt(this, `${where}.name`, seen.has(m.name) ? `${show(m.name)} is used twice` : undefined);
      seen.add(m.name);
      assertAt(this, `${where}.query`, checkPromql(m.query));
      assertAt(this, `${where}.max`, typeof m.max === 'number' && Number.isFinite(m.max) ? undefined : `must be a number, got ${show(m.max)}`);
    });
    return metrics;
  }

  private renderAnalysisTemplate(name: string, labels: Record<string, string>, analysis: CanaryAnalysisProps, metrics: CanaryAnalysisMetric[]): AnalysisTemplate {
    const interval = analysis.interval ?? Duration.minutes(1);
    const count = analysis.count ?? 5;
    const failureLimit = analysis.failureLimit ?? 1;
    const intervalSeconds = interval instanceof Duration ? interval.toMilliseconds() / 1000 : NaN;
    assertAt(this, 'analysis.interval', Number.isInteger(intervalSeconds) && intervalSeconds >= 1 ? undefined : `must be at least one whole second, got ${show(interval)}`);
    assertAt(this, 'analysis.count', checkInteger(count, 1, 100));
    assertAt(this, 'analysis.failureLimit', checkInteger(failureLimit, 0, Math.max(0, count - 1)));
    assertAt(this, 'analysis.prometheusUrl', /^https?:\/\/[^\s'"]+$/.test(analysis.prometheusUrl) ? undefined : `must be an http(s) URL, got ${show(analysis.prometheusUrl)}`);
    return new AnalysisTemplate(this, 'AnalysisTemplate', {
      metadata: { name, labels },
      spec: {
        args: [{ name: CANARY_HASH_ARG }],
        metrics: metrics.map((m) => ({
          name: m.name,
          interval: `${intervalSeconds}s`,
          count: AnalysisTemplateSpecMetricsCount.fromNumber(count),
          failureLimit: AnalysisTemplateSpecMetricsFailureLimit.fromNumber(failureLimit),
          // No sample (no canary traffic yet) is neither: the measurement is inconclusive and the rollout
          // pauses for a person rather than promoting a release nothing has measured.
          successCondition: `len(result) > 0 && result[0] <= ${m.max}`,
          failureCondition: `len(result) > 0 && result[0] > ${m.max}`,
          provider: { prometheus: { address: analysis.prometheusUrl, query: m.query } },
        })),
      },
    });
  }

  private podTemplate(props: CanaryAppProps, labels: Record<string, string>, uid: number): RolloutSpecTemplate {
    const r = props.resources;
    const ports = {
      startup: RolloutSpecTemplateSpecContainersStartupProbeHttpGetPort.fromString(HTTP),
      liveness: RolloutSpecTemplateSpecContainersLivenessProbeHttpGetPort.fromString(HTTP),
      readiness: RolloutSpecTemplateSpecContainersReadinessProbeHttpGetPort.fromString(HTTP),
    };
    const probe = <T extends keyof HealthProbes>(type: T) => {
      const spec = props.probes[type];
      return {
        httpGet: {
          path: spec.path, port: ports[type],
          httpHeaders: props.probeTypeHeader === undefined ? undefined : [{ name: props.probeTypeHeader, value: type }],
        },
        initialDelaySeconds: spec.initialDelay.toSeconds(),
        periodSeconds: spec.period.toSeconds(),
        timeoutSeconds: spec.timeout.toSeconds(),
        failureThreshold: spec.failureThreshold,
      };
    };
    const writable = (props.writablePaths ?? []).map((path, i) => ({ name: `writable-${i}`, path }));
    return {
      metadata: {
        labels,
        annotations: props.metricsPath === undefined ? undefined : {
          [AnnotationKeys.PROMETHEUS_SCRAPE]: 'true',
          [AnnotationKeys.PROMETHEUS_PORT]: String(props.containerPort),
          [AnnotationKeys.PROMETHEUS_PATH]: props.metricsPath,
        },
      },
      spec: {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{
          name: props.name,
          image: props.image,
          imagePullPolicy: 'IfNotPresent',
          ports: [{ name: HTTP, containerPort: props.containerPort, protocol: 'TCP' }],
          envFrom: [
            ...(props.envFromConfigMaps ?? []).map((c) => ({ configMapRef: { name: c.name } })),
            ...(props.envFromSecrets ?? []).map((s) => ({ secretRef: { name: s.name } })),
          ],
          resources: {
            requests: { cpu: r.cpuRequest.amount, memory: memoryQuantity(r.memoryRequest) },
            limits: { cpu: r.cpuLimit.amount, memory: memoryQuantity(r.memoryLimit) },
          },
          volumeMounts: writable.length === 0 ? undefined : writable.map((w) => ({ name: w.name, mountPath: w.path })),
          startupProbe: probe('startup'),
          livenessProbe: probe('liveness'),
          readinessProbe: probe('readiness'),
          securityContext: {
            allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: uid, runAsGroup: uid,
            capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
          },
        }],
        volumes: writable.length === 0 ? undefined : writable.map((w) => ({ name: w.name, emptyDir: {} })),
      },
    };
  }

  private unrecordedSeries(metrics: CanaryAnalysisMetric[]): string[] {
    const recorded = new Set(AlertCatalogue.of(this).groups().flatMap((g) => g.recordingRules.map((r) => r.record)));
    return metrics.flatMap((m, i) => metricNames(m.query).filter((n) => !recorded.has(n))
      .map((n) => `analysis.metrics[${i}].query: reads ${show(n)}, which no recording rule records; analyses read recorded series only`));
  }
}
