import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AlertCatalogue, AlertRuleSpec } from '../alerting/alert-catalogue';
import { Rules, checkCidr, checkInstance, checkInteger, checkNonEmpty, checkNumber, checkProps, checkString, checkTimeSpan, integer, optional } from '../core/checks';
import { positiveDuration } from '../core/durations';
import { ContainerResourceSpec, checkResourceSpec, checkResources, toContainerResources } from '../core/container-resources';
import { assertAt, failAt, show } from '../core/errors';
import { LabelKeys, recommendedLabels } from '../core/labels';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/pod-hardening';
import { checkPinnedImage } from '../observability/monitoring-server';
import { NetworkConnections, NetworkPeer } from '../safety/network-connections';
import { BlueGreenApp, Colour, otherColour } from '../web/blue-green-app';
import { VERIFY_SWITCH_SCRIPT } from './private/verify-switch-script';
import { ReleaseHealth } from './release-health';
import { ArgoCdAnnotations, SyncWave } from './sync-waves';

/** Annotation keys of a live Service the verified switch reads and writes (see {@link deliveryAnnotations}). */
export interface DeliveryAnnotationKeys {
  /** `<colour>:<version>` the commit makes live; a switch changes it, so the Service is applied even while its selector is ignored. */
  readonly RELEASE: string;
  /** `<colour>:<version>` that last passed its bake time. */
  readonly VERIFIED: string;
  /** `<colour>:<version> to <colour>:<version>` of the last automatic rollback, until git agrees. */
  readonly ROLLED_BACK: string;
  /** The measurement that breached (`error_ratio 0.034 above 0.001`). */
  readonly ROLLBACK_REASON: string;
}

/** Annotation prefix of {@link VerifiedSwitch} when none is given. */
export const DEFAULT_DELIVERY_ANNOTATION_PREFIX = 'delivery.verified-switch';

/**
 * Annotations of a live Service the verified switch reads and writes, under one prefix (`<prefix>/release`,
 * `<prefix>/verified`, `<prefix>/rolled-back`, `<prefix>/rollback-reason`).
 *
 * `RELEASE` is rendered (the colour and version git makes live); the others are written by the hook Job
 * and are not in git, so Argo CD does not diff them.
 *
 * @param prefix the annotation prefix, a DNS subdomain. @default DEFAULT_DELIVERY_ANNOTATION_PREFIX
 */
export function deliveryAnnotations(prefix: string = DEFAULT_DELIVERY_ANNOTATION_PREFIX): DeliveryAnnotationKeys {
  return {
    RELEASE: `${prefix}/release`,
    VERIFIED: `${prefix}/verified`,
    ROLLED_BACK: `${prefix}/rolled-back`,
    ROLLBACK_REASON: `${prefix}/rollback-reason`,
  };
}

/** The annotations under {@link DEFAULT_DELIVERY_ANNOTATION_PREFIX}. */
export const DeliveryAnnotations: DeliveryAnnotationKeys = deliveryAnnotations();

/** The label kube-state-metrics gives an allow-listed annotation on `kube_<kind>_annotations`. */
export function kubeStateMetricsAnnotationLabel(key: string): string {
  return `annotation_${key.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/** Props of {@link VerifiedSwitch}. */
export interface VerifiedSwitchProps {
  /** The blue/green app whose switches are verified. */
  readonly app: BlueGreenApp;

  /** Recording rules by colour (`releaseLabel` is the colour label). */
  readonly health: ReleaseHealth;

  /** Base URL of the Prometheus that evaluates `health`'s rules (`http://prometheus-server.monitoring.svc:9090`). */
  readonly prometheusUrl: string;

  /** Pinned image with `/bin/sh`, `curl`, `sed` and `awk` (`curlimages/curl:8.9.1`). */
  readonly image: string;

  /** Requests and limits of the Job's container. */
  readonly resources: ContainerResourceSpec;

  /** CIDR the Kubernetes API server is reached at (the NetworkPolicy's egress rule on 443). */
  readonly apiServerCidr: string;

  /**
   * How long the new colour is watched.
   *
   * @default Duration.minutes(15)
   */
  readonly bakeTime?: Duration;

  /**
   * Time between two measurements.
   *
   * @default Duration.seconds(30)
   */
  readonly checkInterval?: Duration;

  /**
   * Highest error ratio allowed, a fraction in (0, 1].
   *
   * @default 0.001
   */
  readonly errorRatioMax?: number;

  /**
   * Highest response time percentile allowed (the percentile is the latency SLO's objective).
   *
   * @default Duration.millis(200)
   */
  readonly latencyMax?: Duration;

  /**
   * Command printed after a rollback that makes git agree with the cluster.
   *
   * @default - 'revert the colour switch in git'
   */
  readonly rollbackCommand?: string;

  /**
   * Prefix of the annotations the switch reads and writes on the live Service ({@link deliveryAnnotations}),
   * a DNS subdomain. kube-state-metrics must allow-list the rollback annotations under the same prefix.
   *
   * @default DEFAULT_DELIVERY_ANNOTATION_PREFIX
   */
  readonly annotationPrefix?: string;

  /**
   * UID and GID the image runs as (curlimages/curl's `curl_user`).
   *
   * @default 100
   */
  readonly runAsUser?: number;
}

/** Run-time checks of {@link VerifiedSwitchProps}, applied before anything is created. */
const VERIFIED_SWITCH_RULES: Rules = {
  app: checkInstance((v) => v instanceof BlueGreenApp, 'a BlueGreenApp'),
  health: checkInstance((v) => v instanceof ReleaseHealth, 'a ReleaseHealth'),
  prometheusUrl: checkString,
  image: checkString,
  resources: checkResourceSpec,
  apiServerCidr: checkString,
  bakeTime: optional((v) => checkTimeSpan(v, 1)),
  checkInterval: optional((v) => checkTimeSpan(v, 1)),
  errorRatioMax: optional((v) => checkNumber(v)),
  latencyMax: optional(positiveDuration('Duration.millis(200)')),
  rollbackCommand: optional(checkString),
  runAsUser: optional(integer(1)),
  annotationPrefix: optional(checkString),
};

/** A DNS subdomain: the prefix part of an annotation key. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Seconds the Job may run beyond its bake time (image pull, scheduling, the rollback itself). */
const DEADLINE_MARGIN_SECONDS = 300;

/**
 * The verified blue/green switch: an Argo CD Sync hook Job, `<app>-verify-switch`, in wave `SyncWave.VERIFY`
 * (after the live Service switched, before the old colour retires), that on every sync
 * watches the colour the commit made live, for a bake time, through the colour's SLO recording rules
 * ({@link ReleaseHealth}). On a breach it points the live Service back at the other colour, records the
 * colours, versions and breached measurement in annotations of the Service (`ReleaseRolledBack` fires from
 * them through kube-state-metrics), prints the command that makes git agree and fails, so the sync shows
 * failed.
 *
 * Idempotent: a release that passed once is not watched again (`verified` annotation); a release that was
 * rolled back fails the hook at once while git still makes it live. Its ServiceAccount may only `get` and
 * `patch` the one live Service.
 *
 * Argo CD must not undo the rollback: the live Service carries the release it is meant to serve
 * (`<prefix>/release`, {@link DeliveryAnnotationKeys.RELEASE}), so an Application that ignores the Service's selector
 * (`ignoreDifferences`) still applies a switch committed to git (the annotation changes), while the
 * hook's selector patch alone is no drift to self-heal.
 */
export class VerifiedSwitch extends Construct {
  /** The Sync hook Job `<app>-verify-switch` (wave `SyncWave.VERIFY`). */
  public readonly job: kplus.Job;

  /** ServiceAccount `<app>-verify-switch`. */
  public readonly serviceAccount: kplus.ServiceAccount;

  /** Role `<app>-verify-switch`: get and patch on the live Service only. */
  public readonly role: kplus.k8s.KubeRole;

  /** The `ReleaseRolledBack` alert. */
  public readonly alert: AlertRuleSpec;

  /** The colour the hook verifies (the app's live colour). */
  public readonly colour: Colour;

  /** How long the hook watches the new release before it records it verified. */
  public readonly bakeTime: Duration;

  /** The annotation keys the switch reads and writes on the live Service. */
  public readonly annotations: DeliveryAnnotationKeys;

  constructor(scope: Construct, id: string, props: VerifiedSwitchProps) {
    super(scope, id);
    checkProps(this, props, VERIFIED_SWITCH_RULES);
    const app = props.app;
    const bake = props.bakeTime ?? Duration.minutes(15);
    const interval = props.checkInterval ?? Duration.seconds(30);
    const errorRatioMax = props.errorRatioMax ?? 0.001;
    const latencyMax = props.latencyMax ?? Duration.millis(200);
    const runAsUser = props.runAsUser ?? 100;
    const rollbackCommand = props.rollbackCommand ?? 'revert the colour switch in git';
    const bakeSeconds = bake.toSeconds();
    assertAt(this, 'checkInterval', interval.toSeconds() <= bakeSeconds
      ? undefined : `must not be longer than the bake time (${bakeSeconds}s), got ${interval.toSeconds()}s`);
    assertAt(this, 'errorRatioMax', checkFraction(errorRatioMax));
    assertAt(this, 'image', checkPinnedImage(props.image));
    const resources = checkResources(props.resources);
    if (resources !== undefined) {
      failAt(this, `resources.${resources.field}`, resources.problem);
    }
    assertAt(this, 'prometheusUrl', /^https?:\/\/[^\s'"]+$/.test(props.prometheusUrl) ? undefined : `must be an http(s) URL, got ${show(props.prometheusUrl)}`);
    assertAt(this, 'apiServerCidr', checkCidr(props.apiServerCidr));
    assertAt(this, 'rollbackCommand', checkNonEmpty(rollbackCommand));
    assertAt(this, 'runAsUser', checkInteger(runAsUser, 1));
    const annotationPrefix = props.annotationPrefix ?? DEFAULT_DELIVERY_ANNOTATION_PREFIX;
    assertAt(this, 'annotationPrefix', DNS_SUBDOMAIN.test(annotationPrefix) && annotationPrefix.length <= 253
      ? undefined : `must be a DNS subdomain such as ${show(DEFAULT_DELIVERY_ANNOTATION_PREFIX)}, got ${show(annotationPrefix)}`);
    const annotations = deliveryAnnotations(annotationPrefix);
    this.annotations = annotations;
    // Prometheus carries a pod label under its sanitized name (`app.kubernetes.io/colour` -> `app_kubernetes_io_colour`).
    const colourSeriesLabel = app.colourLabel.replace(/[^a-zA-Z0-9_]/g, '_');
    if (props.health.releaseLabel !== colourSeriesLabel) {
      failAt(this, 'health', `must split by the app's colour label ${show(colourSeriesLabel)}, got ${show(props.health.releaseLabel)}`);
    }

    this.colour = app.liveColour;
    this.bakeTime = Duration.seconds(bakeSeconds);
    const previous = otherColour(this.colour);
    const live = ApiObject.of(app.liveService);
    const namespace = app.liveService.metadata.namespace;
    assertAt(this, 'app', checkNonEmpty(namespace));
    const serviceName = app.liveService.name;
    const name = `${app.appName}-verify-switch`;
    const partOf = app.colour(this.colour).deployment.metadata.getLabel(LabelKeys.PART_OF) ?? app.appName;
    const labels = { ...recommendedLabels({ name: app.appName, instance: name, component: 'release-verification', partOf }), [LabelKeys.APP]: name };
    const version = (colour: Colour) => versionOf(app.image(colour));
    live.metadata.addAnnotation(annotations.RELEASE, `${this.colour}:${version(this.colour)}`);

    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: { name, labels }, automountToken: false });
    this.role = new kplus.k8s.KubeRole(this, 'Role', {
      metadata: { name, labels },
      rules: [{ apiGroups: [''], resources: ['services'], resourceNames: [serviceName], verbs: ['get', 'patch'] }],
    });
    new kplus.k8s.KubeRoleBinding(this, 'RoleBinding', {
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    });

    this.job = new kplus.Job(this, 'Job', {
      metadata: {
        name,
        labels,
        annotations: {
          // A Sync hook between the switch and the retirement of the old colour, not a PostSync hook: PostSync
          // runs after the old colour dropped to its idle size, so a rollback would send peak traffic to a
          // colour that cannot carry it. Failing here also stops the sync before the old colour retires.
          [ArgoCdAnnotations.HOOK]: 'Sync',
          [ArgoCdAnnotations.SYNC_WAVE]: String(SyncWave.VERIFY),
          // The last run's Job and its log (what was measured, why it rolled back) stay until the next sync.
          [ArgoCdAnnotations.HOOK_DELETE_POLICY]: 'BeforeHookCreation',
        },
      },
      podMetadata: { labels },
      serviceAccount: this.serviceAccount,
      // Only the service account token reaches the pod: the API calls need it.
      automountServiceAccountToken: true,
      backoffLimit: 0,
      activeDeadline: Duration.seconds(this.bakeTime.toSeconds() + DEADLINE_MARGIN_SECONDS),
      restartPolicy: kplus.RestartPolicy.NEVER,
      securityContext: restrictedPodSecurityContext(runAsUser),
    });
    ApiObject.of(this.job).addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
    const env: Record<string, string> = {
      NAMESPACE: namespace!,
      SERVICE: serviceName,
      COLOUR_LABEL: app.colourLabel,
      TARGET_COLOUR: this.colour,
      TARGET_VERSION: version(this.colour),
      PREVIOUS_COLOUR: previous,
      PREVIOUS_VERSION: version(previous),
      PROMETHEUS_URL: props.prometheusUrl,
      BAKE_SECONDS: String(this.bakeTime.toSeconds()),
      INTERVAL_SECONDS: String(interval.toSeconds()),
      ERROR_RATIO_QUERY: props.health.query(props.health.errorRatio, this.colour),
      ERROR_RATIO_MAX: String(errorRatioMax),
      LATENCY_QUERY: props.health.query(props.health.latencyPercentile, this.colour),
      LATENCY_MAX_SECONDS: String(latencyMax.toMilliseconds() / 1000),
      ANNOTATION_VERIFIED: annotations.VERIFIED,
      ANNOTATION_ROLLED_BACK: annotations.ROLLED_BACK,
      ANNOTATION_REASON: annotations.ROLLBACK_REASON,
      ROLLBACK_COMMAND: rollbackCommand,
    };
    this.job.addContainer({
      name: 'verify-switch',
      image: props.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['/bin/sh', '-c', VERIFY_SWITCH_SCRIPT],
      envVariables: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)])),
      resources: toContainerResources(props.resources),
      securityContext: restrictedContainerSecurityContext(runAsUser),
    });

    const pods = NetworkPeer.pods(namespace!, { [LabelKeys.APP]: name });
    const network = NetworkConnections.of(this);
    network.allow(this, { from: pods, to: NetworkPeer.prometheus(), port: portOf(props.prometheusUrl), reason: 'queries the new colour\'s SLO recording rules' });
    network.allow(this, { from: pods, to: NetworkPeer.cidr(props.apiServerCidr), port: 443, reason: `reads and patches Service ${serviceName}` });

    this.alert = addRolledBackAlert(this, app.appName, namespace!, serviceName, annotations);
  }
}

function addRolledBackAlert(scope: Construct, appName: string, namespace: string, service: string, annotations: DeliveryAnnotationKeys): AlertRuleSpec {
  const rolledBack = kubeStateMetricsAnnotationLabel(annotations.ROLLED_BACK);
  const reason = kubeStateMetricsAnnotationLabel(annotations.ROLLBACK_REASON);
  const selector = `namespace="${namespace}",service="${service}"`;
  const series = (labels: string) => `kube_service_annotations{${selector}${labels}}`;
  const firing = { namespace, service, [rolledBack]: 'green:v1.4.0 to blue:v1.2.3', [reason]: 'error_ratio 0.034 above 0.001' };
  const firingSeries = series(Object.entries(firing).slice(2).map(([k, v]) => `,${k}="${v}"`).join(''));
  return AlertCatalogue.of(scope).addRule(scope, { name: `release-${appName}`, interval: Duration.seconds(30) }, {
    alert: 'ReleaseRolledBack',
    expr: `max by (namespace, service, ${rolledBack}, ${reason}) (${series(`,${rolledBack}!=""`)})`,
    severity: 'critical',
    priority: 'P1',
    team: 'platform',
    summary: `${appName}: release {{ $labels.${rolledBack} }} was rolled back automatically`,
    description: `The verification hook switched Service {{ $labels.service }} back ({{ $labels.${rolledBack} }}) because `
      + `{{ $labels.${reason} }}. Git still makes the failed release live: run the rollback command the hook printed `
      + '(kubectl logs job/' + `${appName}-verify-switch), commit and sync; the next verification clears this alert.`,
    runbook: 'release-rolled-back',
    tests: [
      { name: 'a rollback recorded on the live Service fires at once', series: [{ series: firingSeries, values: '1x10' }], firing: [{ at: Duration.minutes(2), labels: firing }] },
      { name: 'a live Service without a rollback record stays silent', series: [{ series: series(''), values: '1x10' }], silentAt: [Duration.minutes(2), Duration.minutes(9)] },
    ],
  });
}

/** A threshold that is a share: in (0, 1]. */
export function checkFraction(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= 1
    ? undefined : `must be a fraction in (0, 1], got ${show(value)}`;
}

function versionOf(image: string): string {
  return image.includes('@') ? image.slice(image.indexOf('@') + 1) : image.slice(image.lastIndexOf(':') + 1);
}

function portOf(url: string): number {
  const match = /^(https?):\/\/[^/:]+(?::(\d+))?/.exec(url);
  if (match?.[2] !== undefined) {
    return Number(match[2]);
  }
  return match?.[1] === 'https' ? 443 : 80;
}
