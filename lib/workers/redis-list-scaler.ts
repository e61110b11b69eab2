import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { ScaledObject, ScaledObjectSpecAdvancedScalingModifiersMetricType, TriggerAuthentication } from '../../imports/keda.sh';
import { assertAt, failAt, show } from '../core/errors';
import {
  checkArrayOf, checkDnsLabel, checkDnsSubdomain, checkInteger, checkLabels, checkNonEmpty, checkNumber, checkProps, checkReplicaBounds, checkScalableWorkload, checkShape, checkString, checkTimeSpan, optional, Rules,
} from '../core/checks';
import { SecretKeyReference, SecretReferences, checkSecretKeyReference } from '../core/secret-references';
import { checkScalingRules } from '../core/workload-autoscaler';
import {
  ScalableWorkload, ScalingRulesSpec, assertScalableTarget, assertScalingRules, renderScalingRules,
} from '../core/workload-autoscaler';

/** One Redis list a {@link RedisListScaler} measures. */
export interface RedisListSpec {
  /** Trigger name: lower-case letters, digits and `_`, starting with a letter (it appears in the sum formula). */
  readonly name: string;

  /** Key of the list in Redis, exactly as stored (with any client-side prefix). */
  readonly key: string;
}

/** Props of {@link RedisListScaler}. */
export interface RedisListScalerProps {
  /** Name of the ScaledObject and of its TriggerAuthentication. */
  readonly name: string;

  /**
   * Name of the HorizontalPodAutoscaler KEDA creates and owns.
   *
   * @default - KEDA's `keda-hpa-<name>`
   */
  readonly hpaName?: string;

  /**
   * Labels of the ScaledObject and TriggerAuthentication.
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;

  /** The workload to scale, in a chart of the same namespace; it renders without `replicas`. */
  readonly target: ScalableWorkload;

  /** Fewest pods, at least 1 (KEDA's scale-to-zero is not used: a cold worker adds latency to every job). */
  readonly minReplicas: number;

  /** Most pods, at least `minReplicas`. */
  readonly maxReplicas: number;

  /** Lists whose lengths are summed; at least one. */
  readonly lists: RedisListSpec[];

  /** Target number of waiting items per pod (the summed length divided by the pod count). */
  readonly itemsPerReplica: number;

  /** Redis `host:port` as KEDA's operator reaches it (`redis.shop.svc:6379`). */
  readonly address: string;

  /**
   * Redis database index of the lists.
   *
   * @default 0
   */
  readonly databaseIndex?: number;

  /** Secret key with the Redis password, read by KEDA through the TriggerAuthentication. */
  readonly password: SecretKeyReference;

  /**
   * Time between two reads of the lists: whole seconds from 1 s to one hour (KEDA's `pollingInterval`).
   *
   * @default Duration.seconds(30) (KEDA's default)
   */
  readonly pollingInterval?: Duration;

  /**
   * Scale-up behaviour of the HPA KEDA creates.
   *
   * @default - Kubernetes' default: no stabilization, double or +4 pods per 15 s, whichever is more
   */
  readonly scaleUp?: ScalingRulesSpec;

  /**
   * Scale-down behaviour of the HPA KEDA creates.
   *
   * @default - Kubernetes' default: 300 s stabilization, then down to the recommendation at once
   */
  readonly scaleDown?: ScalingRulesSpec;
}

const TRIGGER_NAME = /^[a-z][a-z0-9_]*$/;
const ADDRESS = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?:[0-9]{1,5}$/;
// redis_exporter and KEDA both take keys as comma-separated `db=key` lists: neither character may appear.
const LIST_KEY = /^[^\s,=%]+$/;

/** Run-time checks of {@link RedisListScalerProps}, applied before anything is created. */
const REDIS_LIST_SCALER_RULES: Rules = {
  name: checkDnsSubdomain,
  hpaName: optional(checkString),
  labels: optional(checkLabels),
  target: checkScalableWorkload,
  minReplicas: (v) => checkNumber(v),
  maxReplicas: (v) => checkNumber(v),
  lists: checkArrayOf(checkShape({ name: checkString, key: checkString })),
  itemsPerReplica: (v) => checkNumber(v),
  address: checkString,
  databaseIndex: optional((v) => checkNumber(v)),
  password: checkSecretKeyReference,
  pollingInterval: optional((v) => checkTimeSpan(v, 1, 3600)),
  scaleUp: optional(checkScalingRules),
  scaleDown: optional(checkScalingRules),
};

/**
 * Scales a workload on the summed length of Redis lists with KEDA: a `ScaledObject` with one `redis`
 * trigger per list, and a `TriggerAuthentication` that reads the Redis password from its Secret.
 *
 * KEDA's operator reads the lists itself (`LLEN`) and serves the result through the external metrics API
 * to the HPA it creates, so the signal needs nothing else in the cluster: no Prometheus adapter, no metric
 * exported by the app. With several lists the triggers are summed by a scaling-modifier formula, so two
 * half-full queues count like one full one (KEDA's default would take the largest). KEDA owns the HPA: the
 * target is marked as autoscaled, renders without `replicas`, and a second autoscaler on it is refused.
 *
 * @see https://keda.sh/docs/latest/scalers/redis-lists/
 */
export class RedisListScaler extends Construct {
  /** The ScaledObject. */
  public readonly scaledObject: ScaledObject;

  /** The TriggerAuthentication holding the password reference. */
  public readonly triggerAuthentication: TriggerAuthentication;

  /** The scaled workload. */
  public readonly target: ScalableWorkload;

  /** Fewest pods. */
  public readonly minReplicas: number;

  /** Most pods. */
  public readonly maxReplicas: number;

  /** Keys of the lists measured, in trigger order. */
  public readonly listKeys: string[];

  constructor(scope: Construct, id: string, props: RedisListScalerProps) {
    super(scope, id);
    checkProps(this, props, REDIS_LIST_SCALER_RULES);
    const databaseIndex = props.databaseIndex ?? 0;
    const polling = (props.pollingInterval ?? Duration.seconds(30)).toSeconds();
    assertAt(this, 'name', checkDnsLabel(props.name));
    if (props.hpaName !== undefined) {
      assertAt(this, 'hpaName', checkDnsSubdomain(props.hpaName));
    }
    assertAt(this, 'minReplicas', checkInteger(props.minReplicas, 1));
    assertAt(this, 'maxReplicas', checkInteger(props.maxReplicas, 1));
    assertAt(this, 'minReplicas', checkReplicaBounds(props.minReplicas, props.maxReplicas));
    assertScalableTarget(this, props.target);
    if (props.lists.length === 0) {
      failAt(this, 'lists', 'needs at least one list to measure');
    }
    props.lists.forEach((list, i) => {
      assertAt(this, `lists[${i}].name`, TRIGGER_NAME.test(list.name) ? undefined
        : `must be lower-case letters, digits and '_', starting with a letter, got ${show(list.name)}`);
      assertAt(this, `lists[${i}].key`, LIST_KEY.test(list.key) ? undefined
        : `must be a Redis key without spaces, ',', '=' or '%', got ${show(list.key)}`);
    });
    const names = props.lists.map((l) => l.name);
    if (new Set(names).size !== names.length) {
      failAt(this, 'lists', `must not repeat a trigger name, got ${show(names)}`);
    }
    assertAt(this, 'itemsPerReplica', checkInteger(props.itemsPerReplica, 1));
    assertAt(this, 'address', ADDRESS.test(props.address) ? undefined : `must be host:port, got ${show(props.address)}`);
    assertAt(this, 'databaseIndex', checkInteger(databaseIndex, 0, 15));
    assertAt(this, 'password.key', checkNonEmpty(props.password.key));
    if (props.scaleUp !== undefined) {
      assertScalingRules(this, 'scaleUp', props.scaleUp);
    }
    if (props.scaleDown !== undefined) {
      assertScalingRules(this, 'scaleDown', props.scaleDown);
    }
    this.target = props.target;
    this.minReplicas = props.minReplicas;
    this.maxReplicas = props.maxReplicas;
    this.listKeys = props.lists.map((l) => l.key);

    SecretReferences.of(this).recordKey(this, props.password.secret, props.password.key);
    this.triggerAuthentication = new TriggerAuthentication(this, 'TriggerAuthentication', {
      metadata: { name: props.name, labels: props.labels },
      spec: { secretTargetRef: [{ parameter: 'password', name: props.password.secret.name, key: props.password.key }] },
    });

    props.target.markHasAutoscaler();
    const ref = props.target.toScalingTarget();
    const target = String(props.itemsPerReplica);
    const summed = props.lists.length > 1;
    const behavior = props.scaleUp === undefined && props.scaleDown === undefined ? undefined : {
      scaleUp: props.scaleUp === undefined ? undefined : renderScalingRules(props.scaleUp),
      scaleDown: props.scaleDown === undefined ? undefined : renderScalingRules(props.scaleDown),
    };
    this.scaledObject = new ScaledObject(this, 'Resource', {
      metadata: { name: props.name, labels: props.labels },
      spec: {
        scaleTargetRef: { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name },
        minReplicaCount: props.minReplicas,
        maxReplicaCount: props.maxReplicas,
        pollingInterval: polling,
        advanced: behavior === undefined && props.hpaName === undefined && !summed ? undefined : {
          horizontalPodAutoscalerConfig: props.hpaName === undefined && behavior === undefined ? undefined
            : { name: props.hpaName, behavior },
          scalingModifiers: summed
            ? { formula: names.join(' + '), target, metricType: ScaledObjectSpecAdvancedScalingModifiersMetricType.AVERAGE_VALUE }
            : undefined,
        },
        triggers: props.lists.map((list) => ({
          type: 'redis',
          name: list.name,
          metricType: 'AverageValue',
          metadata: {
            address: props.address,
            listName: list.key,
            listLength: target,
            databaseIndex: String(databaseIndex),
          },
          authenticationRef: { name: props.name },
        })),
      },
    });
  }
}
