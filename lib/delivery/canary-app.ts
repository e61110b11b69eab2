import { ApiObject, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AnalysisTemplate, Rollout, RolloutSpecStrategy } from '../../imports/argoproj.io';
import { AlertCatalogue } from '../alerting/alert-catalogue';
import { checkPromql, selectedMetricNames } from '../alerting/promql';
import {
  checkAbsolutePath, checkArrayOf, checkBoolean, checkConfigMap, checkDnsLabel, checkImageRepository, checkImageTag, checkLabelName,
  checkProps, checkShape, checkString, checkTimeSpan, checkUrlPath, integer, optional, Rules,
} from '../core/checks';
import { ClusterRequirements } from '../core/cluster-requirements';
import { ContainerResourceSpec, checkResourceSpec } from '../core/container-resources';
import { assertAt, failAt, show } from '../core/errors';
import { DEFAULT_HEALTH_PROBES, HealthProbes, checkHealthProbes } from '../core/http-probes';
import { AnnotationKeys, LabelKeys, recommendedLabels } from '../core/labels';
import { derivedName } from '../core/names';
import {
  CONTAINER_ENV_RULES, ContainerEnvProps, addDisruptionBudget, configMapsHash, containerEnvVariables, imagePullPolicy, imageReference, versionLabel,
} from '../core/workload-parts';
import { NetworkConnections, NetworkPeer } from '../safety/network-connections';
import { ConfigMapMount, DEFAULT_WRITABLE_PATHS, HTTP_PORT_NAME, METRICS_PORT_NAME } from '../web/blue-green-app';
import { TlsIngress, TlsIngressOptions, checkTlsIngressOptions } from '../web/tls-ingress';
import { checkCanaryWeights } from './canary-steps';
import { AnalysisMeasurement, addAnalysisTemplate } from './private/canary-analysis';
import { rolloutPodTemplate } from './private/rollout-pod';
import { blueGreenStrategy, canaryStrategy } from './private/rollout-strategy';
import {
  BlueGreenRolloutOptions, CANARY_HASH_ARG, CanaryAnalysisMetric, CanaryAnalysisProps, ROLLOUTS_HASH_SERIES_LABEL, checkBlueGreenRolloutOptions, checkCanaryAnalysis,
} from './canary-options';
import { RELEASE_VALUE_PLACEHOLDER } from './release-health';
import { SyncWave, SyncWaves } from './sync-waves';

/** Props of {@link CanaryApp}. */
export interface CanaryAppProps extends ContainerEnvProps {
  /**
   * App name: Rollout and ServiceAccount `<name>`, Services `<name>-stable` and `<name>-canary`, Ingress
   * `<name>-ingress`, AnalysisTemplate `<name>-slo`, PodDisruptionBudget `<name>-pdb`.
   */
  readonly name: string;

  /** System the app belongs to (`app.kubernetes.io/part-of`). */
  readonly partOf: string;

  /**
   * Role of the app in the system (`app.kubernetes.io/component`).
   *
   * @default 'web'
   */
  readonly component?: string;

  /** Image repository without tag (`ghcr.io/acme/storefront`). */
  readonly imageRepository: string;

  /** Image tag (or `sha256:` digest) the Rollout runs; changing it starts a canary release. */
  readonly imageTag: string;

  /**
   * Whether `imageTag` must name one immutable build (a semantic version or a digest).
   *
   * @default true
   */
  readonly requirePinnedImages?: boolean;

  /** Pods of the Rollout, at least 1; with more than one it gets a PodDisruptionBudget. */
  readonly replicas: number;

  /** Requests and limits of the container. */
  readonly resources: ContainerResourceSpec;

  /**
   * Port the container serves HTTP on, exposed as the container port named `http`.
   *
   * @default 8080
   */
  readonly containerPort?: number;

  /**
   * Health probes, replaced per probe.
   *
   * @default DEFAULT_HEALTH_PROBES (`/healthz` on the `http` port)
   */
  readonly probes?: Partial<HealthProbes>;

  /**
   * Header each probe request carries, with the probe's type (`startup`, `liveness`, `readiness`) as value.
   *
   * @default - no header
   */
  readonly probeTypeHeader?: string;

  /**
   * Host, TLS certificate and access restriction of the stable Ingress `<name>-ingress`, rendered by
   * `TlsIngress`. Argo Rollouts copies it (annotations included, so the restriction too) into the canary
   * Ingress it manages; the IngressClass must be ingress-nginx's.
   */
  readonly ingress: TlsIngressOptions;

  /**
   * Path Prometheus scrapes (pod annotations `prometheus.io/*`).
   *
   * @default - the app exposes no metrics, and cannot have an analysis
   */
  readonly metricsPath?: string;

  /**
   * Port the app serves `metricsPath` on, exposed as the container port named `metrics`; no Service exposes it.
   *
   * @default - the `containerPort`: metrics are served on the `http` port
   */
  readonly metricsPort?: number;

  /**
   * Canary traffic weights in percent: whole numbers from 1 to 100, increasing, the last one 100.
   *
   * @default [10, 50, 100]
   */
  readonly weightsPercent?: readonly number[];

  /**
   * Pause after setting each weight below 100, before its analysis (whole seconds, may be zero).
   *
   * @default Duration.minutes(1)
   */
  readonly pause?: Duration;

  /**
   * Analysis after each weight below 100 (with `blueGreen`: before and/or after promotion); a failed one
   * aborts the rollout (all traffic back to the previous pods).
   *
   * @default - no analysis: the steps only pause
   */
  readonly analysis?: CanaryAnalysisProps;

  /**
   * Release with the Rollout's blue/green strategy instead of canary steps (`weightsPercent` and `pause`
   * must then be left out). Services are then `<name>-active` and `<name>-preview`.
   *
   * @default - the canary strategy
   */
  readonly blueGreen?: BlueGreenRolloutOptions;

  /**
   * ConfigMaps mounted as files (read-only); their data is hashed into the pod template.
   *
   * @default - none
   */
  readonly configMapMounts?: readonly ConfigMapMount[];

  /**
   * Directories the app writes to. The root filesystem is read-only; each path gets its own sub-directory
   * of one `emptyDir` limited to the memory limit.
   *
   * @default ['/tmp']
   */
  readonly writablePaths?: readonly string[];

  /**
   * How long the `preStop` hook sleeps so the endpoint removal reaches every ingress before SIGTERM
   * (whole seconds, may be zero).
   *
   * @default Duration.seconds(15)
   */
  readonly preStopSleep?: Duration;

  /**
   * Time between the start of termination and SIGKILL (whole seconds); must be longer than `preStopSleep`.
   *
   * @default - `preStopSleep` + Duration.seconds(30)
   */
  readonly terminationGracePeriod?: Duration;

  /**
   * UID and GID the container runs as (and the `fsGroup` of its volumes).
   *
   * @default 1000
   */
  readonly runAsUser?: number;

  /**
   * Value of the pods' `app` label. Give another app's name to have that app's scrape job, SLOs, alerts and
   * NetworkPolicies cover the canary's pods too; the Services also select on `app.kubernetes.io/instance: <name>`.
   *
   * @default - the name
   */
  readonly appLabel?: string;
}

/** Run-time checks of {@link CanaryAppProps}, applied before anything is created. */
const CANARY_APP_RULES: Rules = {
  name: checkDnsLabel,
  partOf: checkLabelName,
  component: optional(checkLabelName),
  imageRepository: checkImageRepository,
  imageTag: checkString,
  requirePinnedImages: optional(checkBoolean),
  replicas: integer(1),
  resources: checkResourceSpec,
  containerPort: optional(integer(1, 65535)),
  probes: optional(checkHealthProbes),
  probeTypeHeader: optional(checkString),
  ingress: checkTlsIngressOptions,
  metricsPath: optional(checkUrlPath),
  metricsPort: optional(integer(1, 65535)),
  weightsPercent: optional(checkCanaryWeights),
  pause: optional((v) => checkTimeSpan(v, 0)),
  analysis: optional(checkCanaryAnalysis),
  blueGreen: optional(checkBlueGreenRolloutOptions),
  ...CONTAINER_ENV_RULES,
  configMapMounts: optional(checkArrayOf(checkShape({ configMap: checkConfigMap, path: checkAbsolutePath }))),
  writablePaths: optional(checkArrayOf(checkAbsolutePath)),
  preStopSleep: optional((v) => checkTimeSpan(v, 0)),
  terminationGracePeriod: optional((v) => checkTimeSpan(v, 1)),
  runAsUser: optional(integer(1)),
  appLabel: optional(checkDnsLabel),
};

/**
 * A canary release with Argo Rollouts: a `Rollout` with canary steps (10 % -> analysis -> 50 % -> analysis ->
 * 100 % by default) routed through ingress-nginx (stable and canary Services; Argo Rollouts manages the
 * canary Ingress beside the stable one), and an `AnalysisTemplate` (Prometheus provider) whose queries are
 * the canary pods' SLO recording rules (`ReleaseHealth`). A failed analysis aborts the rollout and
 * returns all traffic to stable: that is the automatic rollback. Argo CD reports Rollout health natively.
 *
 * The pods are built like a `BlueGreenApp`'s (restricted Pod Security, probes on the named `http` port, a
 * metrics port no Service exposes, a drain before SIGTERM, topology spread, a config hash), with a
 * PodDisruptionBudget when there is more than one. The stable Ingress is a `TlsIngress` (certificate and
 * access restriction). The network flows to the pods (ingress controller, Prometheus) are declared, so the
 * derived NetworkPolicies allow exactly those.
 *
 * Every analysis query is parsed at synth and every series it names must be recorded by a rule in the
 * {@link AlertCatalogue}. The AnalysisTemplate is applied in `SyncWave.CONFIG`, long before the Rollout, which
 * goes last (`SyncWave.RETIRE`), so an analysis in progress never holds up another release's waves.
 */
export class CanaryApp extends Construct {
  /** The Rollout `<name>`. */
  public readonly rollout: Rollout;

  /** Service `<name>-stable`: the stable Ingress routes to it. */
  public readonly stableService: kplus.Service;

  /** Service `<name>-canary`: the canary Ingress Argo Rollouts manages routes to it. */
  public readonly canaryService: kplus.Service;

  /** The stable Ingress `<name>-ingress` and its Certificate. */
  public readonly ingress: TlsIngress;

  /** Service account the pods run as (no API token mounted). */
  public readonly serviceAccount: kplus.ServiceAccount;

  /** AnalysisTemplate `<name>-slo`, when there is an analysis. */
  public readonly analysisTemplate?: AnalysisTemplate;

  /** PodDisruptionBudget `<name>-pdb`, when the Rollout runs more than one pod. */
  public readonly pdb?: kplus.k8s.KubePodDisruptionBudget;

  /** The Rollout's pods, for declaring further network flows from or to them. */
  public readonly pods: NetworkPeer;

  /** The weights, in order. */
  public readonly weightsPercent: readonly number[];

  constructor(scope: Construct, id: string, props: CanaryAppProps) {
    super(scope, id);
    checkProps(this, props, CANARY_APP_RULES);
    const name = props.name;
    const weights = props.weightsPercent ?? [10, 50, 100];
    const pauseSeconds = (props.pause ?? Duration.minutes(1)).toSeconds();
    const containerPort = props.containerPort ?? 8080;
    const metricsPort = props.metricsPort === containerPort ? undefined : props.metricsPort;
    const preStopSleepSeconds = props.preStopSleep?.toSeconds() ?? 15;
    const terminationGracePeriodSeconds = props.terminationGracePeriod?.toSeconds() ?? preStopSleepSeconds + 30;
    const appLabel = props.appLabel ?? name;
    const component = props.component ?? 'web';
    assertAt(this, 'imageTag', checkImageTag(props.imageTag, props.requirePinnedImages ?? true));
    if (terminationGracePeriodSeconds <= preStopSleepSeconds) {
      failAt(this, 'terminationGracePeriod', `must be longer than preStopSleep (${preStopSleepSeconds}s), got ${terminationGracePeriodSeconds}s`);
    }
    if (props.analysis !== undefined && props.metricsPath === undefined) {
      failAt(this, 'analysis', `${name} exposes no metrics (metricsPath is not set): an analysis would have nothing to measure`);
    }
    if (props.blueGreen !== undefined) {
      for (const field of ['weightsPercent', 'pause'] as const) {
        assertAt(this, field, props[field] === undefined ? undefined : 'applies to the canary strategy only: leave it out with blueGreen');
      }
    }
    this.weightsPercent = props.blueGreen === undefined ? [...weights] : [];

    const selector = { [LabelKeys.APP]: appLabel, [LabelKeys.INSTANCE]: name };
    const labels = (instance: string, version?: string) => ({
      ...recommendedLabels({ name: appLabel, instance, component, partOf: props.partOf, version }),
      [LabelKeys.APP]: appLabel,
      ...(version === undefined ? {} : { [LabelKeys.VERSION]: version }),
    });
    const templateName = derivedName(name, 'slo');
    const measurements = props.analysis === undefined ? [] : this.measurements(props.analysis);
    if (props.analysis !== undefined) {
      this.analysisTemplate = this.addAnalysis(templateName, labels(templateName), props.analysis, measurements);
      SyncWaves.setWave(ApiObject.of(this.analysisTemplate), SyncWave.CONFIG);
    }

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: { name, labels: labels(name) }, automountToken: false });
    const [stableSuffix, canarySuffix] = props.blueGreen === undefined ? ['stable', 'canary'] : ['active', 'preview'];
    this.stableService = this.addService('StableService', derivedName(name, stableSuffix), selector, containerPort, labels);
    this.canaryService = this.addService('CanaryService', derivedName(name, canarySuffix), selector, containerPort, labels);
    this.ingress = new TlsIngress(this, 'Ingress', { ...props.ingress, name: derivedName(name, 'ingress'), partOf: props.partOf, service: this.stableService });
    const analysisTemplate = props.analysis === undefined ? undefined : templateName;
    const strategy = props.blueGreen === undefined
      ? canaryStrategy({
        weightsPercent: weights, pauseSeconds, stableService: this.stableService.name, canaryService: this.canaryService.name,
        stableIngress: this.ingress.ingress.name, analysisTemplate, hashArg: CANARY_HASH_ARG,
      })
      : this.blueGreenStrategy(props.blueGreen, analysisTemplate);

    const version = versionLabel(props.imageTag);
    const configMapMounts = props.configMapMounts ?? [];
    const scrapePort = metricsPort ?? containerPort;
    this.rollout = new Rollout(this, 'Rollout', {
      metadata: { name, labels: labels(name) },
      spec: {
        replicas: props.replicas,
        revisionHistoryLimit: 3,
        selector: { matchLabels: selector },
        strategy,
        template: rolloutPodTemplate({
          labels: labels(name, version),
          annotations: {
            ...(props.metricsPath === undefined ? {} : {
              [AnnotationKeys.PROMETHEUS_SCRAPE]: 'true',
              [AnnotationKeys.PROMETHEUS_PORT]: String(scrapePort),
              [AnnotationKeys.PROMETHEUS_PATH]: props.metricsPath,
            }),
            [AnnotationKeys.CONFIG_HASH]: configMapsHash([...(props.envFromConfigMaps ?? []), ...configMapMounts.map((m) => m.configMap)]),
          },
          selector,
          serviceAccountName: this.serviceAccount.name,
          containerName: appLabel,
          image: imageReference(props.imageRepository, props.imageTag),
          imagePullPolicy: imagePullPolicy(props.imageTag),
          ports: [
            { name: HTTP_PORT_NAME, number: containerPort },
            ...(metricsPort === undefined ? [] : [{ name: METRICS_PORT_NAME, number: metricsPort }]),
          ],
          probePort: HTTP_PORT_NAME,
          probes: { ...DEFAULT_HEALTH_PROBES, ...props.probes },
          probeTypeHeader: props.probeTypeHeader,
          resources: props.resources,
          env: containerEnvVariables(this, props),
          envFromConfigMaps: props.envFromConfigMaps ?? [],
          envFromSecrets: props.envFromSecrets ?? [],
          configMapMounts,
          writablePaths: props.writablePaths ?? DEFAULT_WRITABLE_PATHS,
          preStopSleepSeconds,
          terminationGracePeriodSeconds,
          runAsUser: props.runAsUser ?? 1000,
        }),
      },
    });
    // Last: while an analysis runs, Argo CD sees the Rollout Progressing and holds every later wave.
    SyncWaves.setWave(ApiObject.of(this.rollout), SyncWave.RETIRE);
    if (props.replicas > 1) {
      const pdbName = derivedName(name, 'pdb');
      this.pdb = addDisruptionBudget(this, 'DisruptionBudget', { name: pdbName, labels: labels(pdbName), selector });
    }

    this.pods = NetworkPeer.pods(Chart.of(this).namespace ?? 'default', selector);
    const network = NetworkConnections.of(this);
    network.allow(this, { from: NetworkPeer.ingressController(), to: this.pods, port: containerPort, reason: `${name} traffic (stable and canary) through the ingress` });
    if (props.metricsPath !== undefined) {
      network.allow(this, { from: NetworkPeer.prometheus(), to: this.pods, port: scrapePort, reason: `metrics scrape of ${name} (prometheus.io/port)` });
    }
    // The manifests cannot install the controller: a cluster without it would accept the Rollout (its CRD
    // served) and never start a pod.
    ClusterRequirements.of(this).add(this, {
      severity: 'error',
      description: 'the Argo Rollouts controller runs (a Deployment labelled app.kubernetes.io/name=argo-rollouts): it alone turns a Rollout into pods',
      args: ['get', 'deployments', '--all-namespaces', '-l', 'app.kubernetes.io/name=argo-rollouts', '-o', 'name'],
      expect: { type: 'contains', values: ['deployment.apps/'] },
    });
    if (props.analysis !== undefined) {
      // Every query may only name recorded series: checked once the whole tree (and so every rule) exists.
      this.node.addValidation({ validate: () => this.unrecordedSeries(measurements) });
    }
  }

  private blueGreenStrategy(options: BlueGreenRolloutOptions, analysisTemplate: string | undefined): RolloutSpecStrategy {
    const pre = options.prePromotionAnalysis ?? false;
    const post = options.postPromotionAnalysis ?? analysisTemplate !== undefined;
    for (const [field, wanted] of [['prePromotionAnalysis', pre], ['postPromotionAnalysis', post]] as const) {
      assertAt(this, `blueGreen.${field}`, wanted && analysisTemplate === undefined ? 'needs an analysis: set analysis (and metricsPath)' : undefined);
    }
    return blueGreenStrategy({
      activeService: this.stableService.name,
      previewService: this.canaryService.name,
      autoPromotion: options.autoPromotion ?? true,
      scaleDownDelaySeconds: (options.scaleDownDelay ?? Duration.seconds(30)).toSeconds(),
      prePromotionTemplate: pre ? analysisTemplate : undefined,
      postPromotionTemplate: post ? analysisTemplate : undefined,
      hashArg: CANARY_HASH_ARG,
    });
  }

  private addService(id: string, name: string, selector: Record<string, string>, targetPort: number, labels: (instance: string) => Record<string, string>): kplus.Service {
    const service = new kplus.Service(this, id, {
      metadata: { name, labels: labels(name) },
      type: kplus.ServiceType.CLUSTER_IP,
      ports: [{ name: HTTP_PORT_NAME, port: 80, targetPort, protocol: kplus.Protocol.TCP }],
    });
    for (const [key, value] of Object.entries(selector)) {
      service.selectLabel(key, value);
    }
    return service;
  }

  private measurements(analysis: CanaryAnalysisProps): AnalysisMeasurement[] {
    const health = analysis.health;
    if (health.releaseLabel !== ROLLOUTS_HASH_SERIES_LABEL) {
      failAt(this, 'analysis.health', `must split by ${show(ROLLOUTS_HASH_SERIES_LABEL)} (the canary's pod template hash), got ${show(health.releaseLabel)}`);
    }
    const latencyMax = analysis.latencyMax ?? Duration.millis(200);
    const latencySeconds = latencyMax.toMilliseconds() / 1000;
    const arg = `{{args.${CANARY_HASH_ARG}}}`;
    const metrics: CanaryAnalysisMetric[] = [
      { name: 'error-ratio', query: health.errorRatio.selectorTemplate.split(RELEASE_VALUE_PLACEHOLDER).join(arg), max: analysis.errorRatioMax ?? 0.001 },
      { name: 'latency', query: health.latencyPercentile.selectorTemplate.split(RELEASE_VALUE_PLACEHOLDER).join(arg), max: latencySeconds },
      ...(analysis.extraMetrics ?? []),
    ];
    const seen = new Set<string>();
    metrics.forEach((m, i) => {
      const where = `analysis.metrics[${i}]`;
      assertAt(this, `${where}.name`, seen.has(m.name) ? `${show(m.name)} is used twice` : undefined);
      seen.add(m.name);
      assertAt(this, `${where}.query`, checkPromql(m.query));
    });
    return metrics;
  }

  private addAnalysis(name: string, labels: Record<string, string>, analysis: CanaryAnalysisProps, measurements: AnalysisMeasurement[]): AnalysisTemplate {
    const count = analysis.count ?? 5;
    const failureLimit = analysis.failureLimit ?? 1;
    assertAt(this, 'analysis.failureLimit', failureLimit < count ? undefined : `must be below count (${count}): with ${failureLimit} failures tolerated the analysis could never fail, got ${failureLimit}`);
    return addAnalysisTemplate(this, {
      name,
      labels,
      args: [CANARY_HASH_ARG],
      prometheusUrl: analysis.prometheusUrl,
      intervalSeconds: (analysis.interval ?? Duration.minutes(1)).toSeconds(),
      count,
      failureLimit,
      measurements,
    });
  }

  private unrecordedSeries(measurements: AnalysisMeasurement[]): string[] {
    const recorded = new Set(AlertCatalogue.of(this).groups().flatMap((g) => g.recordingRules.map((r) => r.record)));
    return measurements.flatMap((m, i) => selectedMetricNames(m.query).filter((n) => !recorded.has(n))
      .map((n) => `analysis.metrics[${i}].query: reads ${show(n)}, which no recording rule records; analyses read recorded series only`));
  }
}
