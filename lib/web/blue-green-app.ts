import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContainerResourceSpec, checkResources, toContainerResources } from '../core/container-resources';
import { DEFAULT_HEALTH_PROBES, HealthProbes, renderHttpProbe } from '../core/http-probes';
import { assertAt, failAt } from '../core/errors';
import {
  Check, checkAbsolutePath, checkArrayOf, checkBoolean, checkConfigMap, checkDnsLabel, checkEnv, checkEnvName, checkImageRepository, checkImageTag, checkInteger, checkLabelKey, checkLabelName, checkNonEmpty, checkOneOf, checkPositive, checkProps, checkRecordOf, checkReplicaBounds, checkSecret, checkShape, checkString, checkTimeSpan, checkUrlPath, integer, oneOf, optional, Rules,
} from '../core/checks';
import { AnnotationKeys, LabelKeys, recommendedLabels } from '../core/labels';
import { SecretKeyReference } from '../core/secret-references';
import {
  addDisruptionBudget, checkReplicasOrAutoscaling, configMapsHash, containerEnvFrom, containerEnvVariables, imagePullPolicy, imageReference,
  mountWritablePaths, versionLabel,
} from '../core/workload-parts';
import { hardenPodTemplate, restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/pod-hardening';
import { AutoscalerMetric, WorkloadAutoscaler } from '../core/workload-autoscaler';
import { checkResourceSpec } from '../core/container-resources';
import { checkHealthProbes } from '../core/http-probes';
import { checkSecretKeyReference } from '../core/secret-references';
import { derivedName } from '../core/names';

/** The two colours of a blue/green pair. */
export type Colour = 'blue' | 'green';

/** Both colours, in the order objects are rendered. */
export const COLOURS: readonly Colour[] = ['blue', 'green'];

/** The other colour. */
export function otherColour(colour: Colour): Colour {
  return colour === 'blue' ? 'green' : 'blue';
}

/**
 * Autoscaling of the live colour (autoscaling/v2) on CPU, memory and, optionally, request rate.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/
 */
export interface BlueGreenAutoscaling {
  /** Fewest pods the live colour runs. */
  readonly minReplicas: number;

  /** Most pods the live colour runs. */
  readonly maxReplicas: number;

  /**
   * Target average CPU utilization, as a percentage of the CPU request.
   *
   * @default 70
   */
  readonly cpuUtilizationPercent?: number;

  /**
   * Target average memory utilization, as a percentage of the memory request.
   *
   * @default 80
   */
  readonly memoryUtilizationPercent?: number;

  /**
   * Target average of the pods metric `http_requests_per_second`; only where a metrics adapter serves that
   * metric and declares it in `MetricSources` (the HPA refuses it otherwise: it would report it missing).
   *
   * @default - no request-rate metric: the HPA scales on CPU and memory only
   */
  readonly requestsPerSecondPerPod?: number;
}

/**
 * An emergency change of the serving colour's image in place, allowed for exactly one tag.
 *
 * A release normally goes to the idle colour and traffic is switched to it; the colour-switch guard
 * (`checkColourSwitches`) refuses a commit that changes the image of the colour serving in the committed
 * output, unless a hotfix names the new tag.
 */
export interface HotfixRelease {
  /** The tag (or `sha256:` digest) the serving colour may change to in place. */
  readonly imageTag: string;

  /** Why the fix cannot go through the idle colour (the incident, the ticket). */
  readonly reason: string;
}

/** A ConfigMap mounted as files into the app container. */
export interface ConfigMapMount {
  /** The ConfigMap; its data is hashed into the pod template so a change rolls the pods. */
  readonly configMap: kplus.ConfigMap;

  /** Directory the keys appear in. */
  readonly path: string;
}

/** Props of {@link BlueGreenApp}. */
export interface BlueGreenAppProps {
  /**
   * Application name: prefix of every object name (`storefront-blue`, `storefront-service`), the `app`
   * label and the container name.
   */
  readonly name: string;

  /**
   * Name of the system the app belongs to (`app.kubernetes.io/part-of`).
   *
   * @default - the app name
   */
  readonly partOf?: string;

  /**
   * Role of the app in the system (`app.kubernetes.io/component`).
   *
   * @default 'web'
   */
  readonly component?: string;

  /** Image repository without tag (`ghcr.io/acme/storefront`). */
  readonly imageRepository: string;

  /** Image tag (or `sha256:` digest) the blue Deployment runs. */
  readonly blueImageTag: string;

  /** Image tag (or `sha256:` digest) the green Deployment runs. */
  readonly greenImageTag: string;

  /** Colour the live Service `<name>-service` sends traffic to. */
  readonly liveColour: Colour;

  /**
   * Whether image tags must name one immutable build (a semantic version or a digest).
   *
   * @default true
   */
  readonly requirePinnedImages?: boolean;

  /** Requests and limits of the app container. */
  readonly resources: ContainerResourceSpec;

  /**
   * Fixed size of the live colour. Give either this or `autoscaling`.
   *
   * @default - sized by `autoscaling`
   */
  readonly replicas?: number;

  /**
   * Autoscaling of the live colour. Give either this or `replicas`.
   *
   * @default - a fixed `replicas` count
   */
  readonly autoscaling?: BlueGreenAutoscaling;

  /**
   * Size of the idle colour: it stays up for smoke tests and instant rollback, so at least 1.
   * Before the live colour can switch to it, it must be at least the live colour's minimum.
   */
  readonly idleReplicas: number;

  /**
   * Lets this commit change the serving colour's image in place, to `hotfix.imageTag` only.
   *
   * @default - the serving colour's image never changes in place: synth refuses it against the committed output
   */
  readonly hotfix?: HotfixRelease;

  /**
   * Port the app listens on, exposed as the container port named `http`.
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
   * Header each probe request carries, with the probe's type (`startup`, `liveness`, `readiness`) as value,
   * for apps that serve all three from one health controller.
   *
   * @default - no header
   */
  readonly probeTypeHeader?: string;

  /**
   * Label key that carries the colour (`blue` or `green`) on pods; the live Service selects on it.
   * Pick a key no other label of the chart uses.
   *
   * @default 'colour'
   */
  readonly colourLabel?: string;

  /**
   * Path Prometheus scrapes (pod annotations `prometheus.io/*`).
   *
   * @default '/metrics'
   */
  readonly metricsPath?: string;

  /**
   * Port the app serves `metricsPath` on, exposed as the container port named `metrics` and scraped there.
   * Give it so metrics stay off the `http` port the Services and the Ingress route to; no Service exposes it.
   *
   * @default - the `containerPort`: metrics are served on the `http` port
   */
  readonly metricsPort?: number;

  /**
   * Plain environment variables.
   *
   * @default - none
   */
  readonly env?: Record<string, string>;

  /**
   * Environment variables read from Secret keys (`secretKeyRef`).
   *
   * @default - none
   */
  readonly secretEnv?: Record<string, SecretKeyReference>;

  /**
   * ConfigMaps loaded whole as environment variables (`envFrom`); their data is hashed into the pod template.
   *
   * @default - none
   */
  readonly envFromConfigMaps?: kplus.ConfigMap[];

  /**
   * Secrets loaded whole as environment variables (`envFrom`).
   *
   * @default - none
   */
  readonly envFromSecrets?: kplus.ISecret[];

  /**
   * ConfigMaps mounted as files.
   *
   * @default - none
   */
  readonly configMapMounts?: ConfigMapMount[];

  /**
   * Directories the app writes to. The root filesystem is read-only; each path gets its own sub-directory
   * of one `emptyDir` limited to the memory limit.
   *
   * @default ['/tmp']
   */
  readonly writablePaths?: string[];

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
   * @default - `preStopSleep` + Duration.seconds(30), time to finish in-flight requests after the drain
   */
  readonly terminationGracePeriod?: Duration;

  /**
   * UID and GID the container runs as (and the `fsGroup` of its volumes).
   *
   * @default 1000
   */
  readonly runAsUser?: number;
}

/** Directories an app writes to when none are given. */
export const DEFAULT_WRITABLE_PATHS: readonly string[] = ['/tmp'];

/** Name of the container port the probes, Services and scrape annotations refer to. */
export const HTTP_PORT_NAME = 'http';

/** Name of the container port the app serves metrics on when it has its own (`metricsPort`). */
export const METRICS_PORT_NAME = 'metrics';

/** One colour's Deployment and the objects that belong to it. */
export interface ColourDeployment {
  /** The colour. */
  readonly colour: Colour;

  /** Deployment `<name>-<colour>`. */
  readonly deployment: kplus.Deployment;

  /** Service `<name>-<colour>-service`, for smoke tests against this colour only. */
  readonly service: kplus.Service;

  /**
   * HPA `<name>-<colour>-hpa`.
   *
   * @default - absent when the app runs a fixed `replicas` count
   */
  readonly hpa?: WorkloadAutoscaler;

  /**
   * PodDisruptionBudget `<name>-<colour>-pdb`.
   *
   * @default - absent when the colour can run only one pod
   */
  readonly pdb?: kplus.k8s.KubePodDisruptionBudget;

  /** Labels the colour's Services and PDB select on (`app` and the colour label). */
  readonly selector: Record<string, string>;
}

/** The run-time check of {@link BlueGreenAutoscaling}: integer bounds, percentages from 1 to 100. */
export const checkBlueGreenAutoscaling: Check = checkShape({
  minReplicas: integer(1),
  maxReplicas: integer(1),
  cpuUtilizationPercent: optional(integer(1, 100)),
  memoryUtilizationPercent: optional(integer(1, 100)),
  requestsPerSecondPerPod: optional(checkPositive),
});

/** Run-time checks of {@link BlueGreenAppProps}, applied before anything is created. */
const BLUE_GREEN_APP_RULES: Rules = {
  name: checkDnsLabel,
  partOf: optional(checkLabelName),
  component: optional(checkLabelName),
  imageRepository: checkImageRepository,
  blueImageTag: checkString,
  greenImageTag: checkString,
  liveColour: oneOf(COLOURS),
  requirePinnedImages: optional(checkBoolean),
  resources: checkResourceSpec,
  replicas: optional(integer(1)),
  autoscaling: optional(checkBlueGreenAutoscaling),
  idleReplicas: integer(1),
  containerPort: optional(integer(1, 65535)),
  probes: optional(checkHealthProbes),
  probeTypeHeader: optional(checkString),
  colourLabel: optional(checkString),
  metricsPath: optional(checkUrlPath),
  metricsPort: optional(integer(1, 65535)),
  env: optional(checkEnv),
  secretEnv: optional(checkRecordOf(checkEnvName, checkSecretKeyReference)),
  envFromConfigMaps: optional(checkArrayOf(checkConfigMap)),
  envFromSecrets: optional(checkArrayOf(checkSecret)),
  configMapMounts: optional(checkArrayOf(checkShape({ configMap: checkConfigMap, path: checkAbsolutePath }))),
  writablePaths: optional(checkArrayOf(checkAbsolutePath)),
  preStopSleep: optional((v) => checkTimeSpan(v, 0)),
  terminationGracePeriod: optional((v) => checkTimeSpan(v, 1)),
  runAsUser: optional(integer(1)),
};

/**
 * A stateless HTTP app deployed as a blue and a green Deployment behind one live Service.
 *
 * Renders Deployments `<name>-blue` and `<name>-green`, the live Service `<name>-service` selecting
 * `app: <name>, <colourLabel>: <liveColour>`, and one Service per colour for smoke tests, with restricted Pod
 * Security, probes on a named port, a drain before SIGTERM, topology spread, a PDB per colour that may run
 * several pods, and a config hash that rolls pods when their ConfigMaps change.
 *
 * Replica ownership: with `autoscaling`, each colour has its own HPA and neither Deployment carries
 * `replicas` (removing that field from a live Deployment would reset it to one pod, and Argo CD would fight
 * the HPA over it). The live colour's HPA has the configured bounds; the idle colour's is pinned at
 * `idleReplicas`. A switch therefore changes only the live Service selector and the two HPAs' bounds.
 */
export class BlueGreenApp extends Construct {
  /** Service `<name>-service`: the one the ingress sends traffic to. */
  public readonly liveService: kplus.Service;

  /** The blue colour's objects. */
  public readonly blue: ColourDeployment;

  /** The green colour's objects. */
  public readonly green: ColourDeployment;

  /** The colour the live Service selects. */
  public readonly liveColour: Colour;

  /** The colour kept warm for smoke tests and rollback. */
  public readonly idleColour: Colour;

  /** App name, the prefix of every object name. */
  public readonly appName: string;

  /** The declared emergency hotfix, if any (see {@link HotfixRelease}). */
  public readonly hotfix?: HotfixRelease;

  /** Service account both colours run as (no API token mounted). */
  public readonly serviceAccount: kplus.ServiceAccount;

  /** Label key that carries the colour on pods and in the Services' selectors. */
  public readonly colourLabel: string;

  /** Path Prometheus scrapes on the `http` port. */
  public readonly metricsPath: string;

  /** Directories the app writes to; jobs that run the app image (deploy hooks) mount the same. */
  public readonly writablePaths: readonly string[];

  private readonly props: BlueGreenAppProps;
  private readonly containerPort: number;
  private readonly probes: HealthProbes;
  /** Port the app serves metrics on, when it is not the `http` port. */
  public readonly metricsPort?: number;

  /** Name of the container port Prometheus scrapes: `metrics` with a `metricsPort`, else `http`. */
  public readonly metricsPortName: string;
  private readonly preStopSleepSeconds: number;
  private readonly terminationGracePeriodSeconds: number;
  private readonly runAsUser: number;
  private readonly requirePinnedImages: boolean;
  private readonly partOf: string;
  private readonly component: string;
  /** Content hash of the ConfigMaps both colours read (computed on first use). */
  private configHashValue?: string;

  constructor(scope: Construct, id: string, props: BlueGreenAppProps) {
    super(scope, id);
    checkProps(this, props, BLUE_GREEN_APP_RULES);
    this.props = props;
    this.appName = props.name;
    this.containerPort = props.containerPort ?? 8080;
    this.probes = { ...DEFAULT_HEALTH_PROBES, ...props.probes };
    this.metricsPath = props.metricsPath ?? '/metrics';
    this.metricsPort = props.metricsPort === this.containerPort ? undefined : props.metricsPort;
    this.metricsPortName = this.metricsPort === undefined ? HTTP_PORT_NAME : METRICS_PORT_NAME;
    this.preStopSleepSeconds = props.preStopSleep?.toSeconds() ?? 15;
    this.terminationGracePeriodSeconds = props.terminationGracePeriod?.toSeconds() ?? this.preStopSleepSeconds + 30;
    this.runAsUser = props.runAsUser ?? 1000;
    this.writablePaths = props.writablePaths ?? DEFAULT_WRITABLE_PATHS;
    this.colourLabel = props.colourLabel ?? 'colour';
    this.requirePinnedImages = props.requirePinnedImages ?? true;
    this.partOf = props.partOf ?? props.name;
    this.component = props.component ?? 'web';
    this.validate();

    this.liveColour = props.liveColour;
    this.idleColour = otherColour(props.liveColour);
    this.hotfix = props.hotfix;

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: { name: props.name, labels: this.labels(props.name) },
      automountToken: false,
    });

    this.blue = this.addColour('blue');
    this.green = this.addColour('green');

    this.liveService = this.addService('LiveService', derivedName(props.name, 'service'), this.colourSelector(this.liveColour));
  }

  /** The objects of one colour. */
  public colour(colour: Colour): ColourDeployment {
    return colour === 'blue' ? this.blue : this.green;
  }

  /** Full image reference a colour runs. */
  public image(colour: Colour): string {
    return imageReference(this.props.imageRepository, this.tag(colour));
  }

  /** Image tag (or `sha256:` digest) a colour runs. */
  public imageTag(colour: Colour): string {
    return this.tag(colour);
  }

  /**
   * Fewest pods a colour runs as configured: the idle size for the idle colour, the autoscaling minimum
   * (or fixed size) for the live one.
   */
  public minimumReplicas(colour: Colour): number {
    if (colour !== this.liveColour) {
      return this.props.idleReplicas;
    }
    return this.props.autoscaling?.minReplicas ?? this.props.replicas!;
  }

  /** Most pods a colour can run as configured. */
  public maximumReplicas(colour: Colour): number {
    if (colour !== this.liveColour) {
      return this.props.idleReplicas;
    }
    return this.props.autoscaling?.maxReplicas ?? this.props.replicas!;
  }

  private tag(colour: Colour): string {
    return colour === 'blue' ? this.props.blueImageTag : this.props.greenImageTag;
  }

  private validate(): void {
    const p = this.props;
    assertAt(this, 'name', checkDnsLabel(p.name));
    assertAt(this, 'liveColour', checkOneOf(p.liveColour, COLOURS));
    assertAt(this, 'imageRepository', checkNonEmpty(p.imageRepository));
    assertAt(this, 'blueImageTag', checkImageTag(p.blueImageTag, this.requirePinnedImages));
    assertAt(this, 'greenImageTag', checkImageTag(p.greenImageTag, this.requirePinnedImages));
    const resources = checkResources(p.resources);
    if (resources !== undefined) {
      failAt(this, resources.field ? `resources.${resources.field}` : 'resources', resources.problem);
    }
    checkReplicasOrAutoscaling(this, p.replicas, p.autoscaling);
    if (p.autoscaling !== undefined) {
      const a = p.autoscaling;
      assertAt(this, 'autoscaling.minReplicas', checkInteger(a.minReplicas, 1));
      assertAt(this, 'autoscaling.maxReplicas', checkInteger(a.maxReplicas, 1));
      assertAt(this, 'autoscaling.minReplicas', checkReplicaBounds(a.minReplicas, a.maxReplicas));
      if (a.cpuUtilizationPercent !== undefined) {
        assertAt(this, 'autoscaling.cpuUtilizationPercent', checkInteger(a.cpuUtilizationPercent, 1, 100));
      }
      if (a.memoryUtilizationPercent !== undefined) {
        assertAt(this, 'autoscaling.memoryUtilizationPercent', checkInteger(a.memoryUtilizationPercent, 1, 100));
      }
    }
    if (p.hotfix !== undefined) {
      assertAt(this, 'hotfix.imageTag', checkImageTag(p.hotfix.imageTag, this.requirePinnedImages));
      assertAt(this, 'hotfix.reason', checkNonEmpty(p.hotfix.reason));
    }
    // Zero would take the previous release down at a switch: no instant rollback, and no warm pods for
    // smoke tests before one.
    assertAt(this, 'idleReplicas', checkInteger(p.idleReplicas, 1));
    assertAt(this, 'containerPort', checkInteger(this.containerPort, 1, 65535));
    if (this.metricsPort !== undefined) {
      assertAt(this, 'metricsPort', checkInteger(this.metricsPort, 1, 65535));
    }
    if (this.terminationGracePeriodSeconds <= this.preStopSleepSeconds) {
      failAt(this, 'terminationGracePeriod',
        `must be longer than preStopSleep (${this.preStopSleepSeconds}s), got ${this.terminationGracePeriodSeconds}s`);
    }
    assertAt(this, 'runAsUser', checkInteger(this.runAsUser, 1));
    assertAt(this, 'colourLabel', checkLabelKey(this.colourLabel));
    if (p.probeTypeHeader !== undefined) {
      assertAt(this, 'probeTypeHeader', /^[A-Za-z0-9-]+$/.test(p.probeTypeHeader) ? undefined
        : `must be an HTTP header name (letters, digits, '-'), got ${JSON.stringify(p.probeTypeHeader)}`);
    }
  }

  private labels(instance: string, extra: Record<string, string> = {}, version?: string): Record<string, string> {
    return {
      ...recommendedLabels({ name: this.appName, instance, component: this.component, partOf: this.partOf, version }),
      [LabelKeys.APP]: this.appName,
      ...extra,
    };
  }

  private colourSelector(colour: Colour): Record<string, string> {
    return { [LabelKeys.APP]: this.appName, [this.colourLabel]: colour };
  }

  private addColour(colour: Colour): ColourDeployment {
    const p = this.props;
    const id = colour === 'blue' ? 'Blue' : 'Green';
    const instance = derivedName(p.name, colour);
    const selector = this.colourSelector(colour);
    const version = versionLabel(this.tag(colour));
    const podLabels = this.labels(instance, { ...selector, [LabelKeys.VERSION]: version }, version);

    const deployment = new kplus.Deployment(this, id, {
      metadata: { name: instance, labels: podLabels },
      select: false,
      spread: false,
      replicas: p.autoscaling === undefined ? this.minimumReplicas(colour) : undefined,
      // A new pod must be ready before an old one goes: the seed's zero-downtime rule for rolling updates.
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.percent(25),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      podMetadata: {
        labels: podLabels,
        annotations: {
          [AnnotationKeys.PROMETHEUS_SCRAPE]: 'true',
          [AnnotationKeys.PROMETHEUS_PORT]: String(this.metricsPort ?? this.containerPort),
          [AnnotationKeys.PROMETHEUS_PATH]: this.metricsPath,
          [AnnotationKeys.CONFIG_HASH]: this.configHash(),
        },
      },
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(this.runAsUser),
      terminationGracePeriod: Duration.seconds(this.terminationGracePeriodSeconds),
    });
    deployment.select(kplus.LabelSelector.of({ labels: selector }));

    const container = deployment.addContainer({
      name: p.name,
      image: this.image(colour),
      imagePullPolicy: imagePullPolicy(this.tag(colour)),
      ports: [
        { name: HTTP_PORT_NAME, number: this.containerPort, protocol: kplus.Protocol.TCP },
        ...(this.metricsPort === undefined ? [] : [{ name: METRICS_PORT_NAME, number: this.metricsPort, protocol: kplus.Protocol.TCP }]),
      ],
      resources: toContainerResources(p.resources),
      securityContext: restrictedContainerSecurityContext(this.runAsUser),
      lifecycle: { preStop: kplus.Handler.fromCommand(['/bin/sh', '-c', `sleep ${this.preStopSleepSeconds}`]) },
      envVariables: containerEnvVariables(this, p),
      envFrom: containerEnvFrom(p),
    });
    this.mountVolumes(container, colour);

    hardenPodTemplate(deployment, {
      selector,
      probes: {
        startupProbe: renderHttpProbe(this.probes.startup, HTTP_PORT_NAME, 'startup', p.probeTypeHeader),
        livenessProbe: renderHttpProbe(this.probes.liveness, HTTP_PORT_NAME, 'liveness', p.probeTypeHeader),
        readinessProbe: renderHttpProbe(this.probes.readiness, HTTP_PORT_NAME, 'readiness', p.probeTypeHeader),
      },
    });

    const service = this.addService(`${id}Service`, derivedName(p.name, colour, 'service'), selector);
    const hpa = p.autoscaling === undefined ? undefined : this.addAutoscaler(colour, deployment, p.autoscaling);
    const pdb = this.maximumReplicas(colour) > 1 ? this.addDisruptionBudget(colour, selector) : undefined;
    return { colour, deployment, service, hpa, pdb, selector };
  }

  private mountVolumes(container: kplus.Container, colour: Colour): void {
    mountWritablePaths(this, container, this.writablePaths, this.props.resources, `${colour}-writable`);
    for (const mount of this.props.configMapMounts ?? []) {
      const volume = kplus.Volume.fromConfigMap(this, `${colour}-${mount.configMap.name}`, mount.configMap, {
        name: mount.configMap.name,
      });
      container.mount(mount.path, volume, { readOnly: true });
    }
  }

  /** SHA-256 over the data of every ConfigMap the pods read, in a stable order. */
  private configHash(): string {
    this.configHashValue ??= this.hashConfigMaps();
    return this.configHashValue;
  }

  private hashConfigMaps(): string {
    return configMapsHash([...(this.props.envFromConfigMaps ?? []), ...(this.props.configMapMounts ?? []).map((m) => m.configMap)]);
  }

  private addService(id: string, name: string, selector: Record<string, string>): kplus.Service {
    const service = new kplus.Service(this, id, {
      metadata: { name, labels: this.labels(name) },
      type: kplus.ServiceType.CLUSTER_IP,
      ports: [{ name: HTTP_PORT_NAME, port: 80, targetPort: this.containerPort, protocol: kplus.Protocol.TCP }],
    });
    for (const [key, value] of Object.entries(selector)) {
      service.selectLabel(key, value);
    }
    return service;
  }

  private addAutoscaler(colour: Colour, deployment: kplus.Deployment, a: BlueGreenAutoscaling): WorkloadAutoscaler {
    const id = colour === 'blue' ? 'BlueAutoscaler' : 'GreenAutoscaler';
    const name = derivedName(this.appName, colour, 'hpa');
    return new WorkloadAutoscaler(this, id, {
      name,
      labels: this.labels(name),
      target: deployment,
      // The idle colour is pinned (min = max) but keeps the live colour's metrics and behaviour, so a switch
      // changes only the bounds.
      minReplicas: this.minimumReplicas(colour),
      maxReplicas: this.maximumReplicas(colour),
      metrics: [
        AutoscalerMetric.cpuUtilization(a.cpuUtilizationPercent ?? 70),
        AutoscalerMetric.memoryUtilization(a.memoryUtilizationPercent ?? 80),
        ...(a.requestsPerSecondPerPod === undefined ? []
          : [AutoscalerMetric.pods({ name: 'http_requests_per_second', averageValue: a.requestsPerSecondPerPod })]),
      ],
      // Scale up fast (double or +4 pods per 30 s, whichever is more), scale down
      // slowly (after 5 minutes, halve or -2 pods per minute, whichever is less).
      scaleUp: {
        selectPolicy: 'Max',
        stabilizationWindow: Duration.seconds(0),
        policies: [
          { type: 'Percent', value: 100, period: Duration.seconds(30) },
          { type: 'Pods', value: 4, period: Duration.seconds(30) },
        ],
      },
      scaleDown: {
        selectPolicy: 'Min',
        stabilizationWindow: Duration.seconds(300),
        policies: [
          { type: 'Percent', value: 50, period: Duration.seconds(60) },
          { type: 'Pods', value: 2, period: Duration.seconds(60) },
        ],
      },
    });
  }

  private addDisruptionBudget(colour: Colour, selector: Record<string, string>): kplus.k8s.KubePodDisruptionBudget {
    const name = derivedName(this.appName, colour, 'pdb');
    return addDisruptionBudget(this, colour === 'blue' ? 'BlueDisruptionBudget' : 'GreenDisruptionBudget', { name, labels: this.labels(name), selector });
  }
}
