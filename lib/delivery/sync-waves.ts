import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { assertAt, failAt } from '../core/errors';
import { checkInteger, checkNonEmpty, checkNumber, checkProps, checkRecordOf, optional, Rules } from '../core/checks';

/** Argo CD annotation keys, defined once. */
export const ArgoCdAnnotations = {
  /** Order of an object within its sync phase: lower waves are applied (and healthy) first. */
  SYNC_WAVE: 'argocd.argoproj.io/sync-wave',
  /** Marks an object as a hook of a sync phase (`PreSync`, `Sync`, `PostSync`, `SyncFail`). */
  HOOK: 'argocd.argoproj.io/hook',
  /** When Argo CD deletes a hook object (`BeforeHookCreation`, `HookSucceeded`, `HookFailed`). */
  HOOK_DELETE_POLICY: 'argocd.argoproj.io/hook-delete-policy',
} as const;

/**
 * The waves of an environment, in apply order: the one table every wave comes from. Argo CD applies one wave,
 * waits until every object in it is healthy, then applies the next; a failed hook stops the sync there.
 *
 * A release moves through them so that live traffic never loses capacity and no code runs ahead of its
 * schema (README "Switching the live colour"): the migration runs while the colour serving today keeps
 * serving; then what runs the release's code moves (the colour about to take traffic, with its autoscaler
 * raised to the live bounds, and the queue workers and scheduler); then the cache is warmed and the colour
 * smoke-tested; then traffic moves; and only after that does the colour that stopped serving drop to its
 * idle size. Prod's database backup runs before all of it, as a PreSync hook.
 */
export const SyncWave = {
  /** Namespaces: everything else lives in them. */
  NAMESPACES: -2,
  /** Configuration, identity, storage and policy the workloads read when they start. */
  CONFIG: -1,
  /** Servers and other workloads that do not run the app's release code (databases, caches, monitoring). */
  WORKLOADS: 0,
  /** The migration hook, while the colour serving today keeps serving (expand/contract). */
  MIGRATE: 1,
  /**
   * What runs the release's code against the migrated schema: the colour about to take traffic (its
   * Deployment, autoscaler raised to the live bounds, disruption budget), the queue workers and the scheduler.
   */
  RELEASE: 2,
  /** The cache warm-up hook, with the release's image. */
  CACHE_WARM: 3,
  /** The smoke test hook, against the colour about to take traffic. */
  SMOKE_TEST: 4,
  /** What moves traffic (the live Service, the Ingress): only after every hook succeeded. */
  TRAFFIC: 10,
  /** Monitoring objects and experiments that expect a running, serving app. */
  OBSERVE: 11,
  /**
   * Verification of the switched traffic (the verified switch's hook): after the switch, while the colour that
   * served before still has its full capacity, so a rollback returns traffic to a colour that can carry it; a
   * failed verification fails the sync here and `RETIRE` never runs.
   */
  VERIFY: 15,
  /**
   * The colour that does not take traffic (its Deployment, pinned autoscaler, disruption budget): it drops
   * to its idle size only after traffic has left it and the switch was verified.
   */
  RETIRE: 20,
} as const;

/** The wave of each kind; a kind not listed goes in `SyncWave.WORKLOADS`. */
export const SYNC_WAVES_BY_KIND: Readonly<Record<string, number>> = {
  Namespace: SyncWave.NAMESPACES,
  CustomResourceDefinition: SyncWave.NAMESPACES,
  ResourceQuota: SyncWave.CONFIG,
  LimitRange: SyncWave.CONFIG,
  ConfigMap: SyncWave.CONFIG,
  Secret: SyncWave.CONFIG,
  ServiceAccount: SyncWave.CONFIG,
  Role: SyncWave.CONFIG,
  RoleBinding: SyncWave.CONFIG,
  ClusterRole: SyncWave.CONFIG,
  ClusterRoleBinding: SyncWave.CONFIG,
  NetworkPolicy: SyncWave.CONFIG,
  PersistentVolumeClaim: SyncWave.CONFIG,
  Certificate: SyncWave.CONFIG,
  Deployment: SyncWave.WORKLOADS,
  StatefulSet: SyncWave.WORKLOADS,
  DaemonSet: SyncWave.WORKLOADS,
  CronJob: SyncWave.WORKLOADS,
  Job: SyncWave.WORKLOADS,
  HorizontalPodAutoscaler: SyncWave.WORKLOADS,
  PodDisruptionBudget: SyncWave.WORKLOADS,
  Service: SyncWave.WORKLOADS,
  Ingress: SyncWave.TRAFFIC,
  PrometheusRule: SyncWave.OBSERVE,
  ServiceMonitor: SyncWave.OBSERVE,
  PodMonitor: SyncWave.OBSERVE,
  Probe: SyncWave.OBSERVE,
  AlertmanagerConfig: SyncWave.OBSERVE,
  PodChaos: SyncWave.OBSERVE,
};

/** Props of {@link SyncWaves}. */
export interface SyncWavesProps {
  /**
   * Waves by kind, replacing entries of the default table.
   *
   * @default SYNC_WAVES_BY_KIND
   */
  readonly byKind?: Readonly<Record<string, number>>;
}

/** Run-time checks of {@link SyncWavesProps}, applied before anything is created. */
const SYNC_WAVES_RULES: Rules = {
  byKind: optional(checkRecordOf(checkNonEmpty, (v) => checkNumber(v))),
};

/**
 * Annotates every object below its scope with its Argo CD sync wave, by kind, so a chart or object added
 * later, anywhere below the scope, is covered without registering anything.
 *
 * The pass is a construct validation (`node.addValidation`): cdk8s runs every validation of the app before
 * it renders anything, in `App.synth()`, `app.synthYaml()`, `chart.toJson()` and `Testing.synth()` alike,
 * so stock synth and this package's pipeline write the same annotations. The pass reports no problem; it
 * only adds the annotation where none is set, so running it again changes nothing.
 *
 * An object that already carries a wave keeps it: a construct that must order one object differently (the
 * live Service waits for the deploy hooks) sets it with {@link SyncWaves.setWave}.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/
 */
export class SyncWaves extends Construct {
  /** Gives `obj` an explicit wave, which the by-kind pass leaves alone. */
  public static setWave(obj: ApiObject, wave: number): void {
    // Argo CD parses the annotation as an integer: "1.5" or "NaN" would fail the whole sync.
    assertAt(obj, 'syncWave', checkInteger(wave, -1000000, 1000000));
    obj.metadata.addAnnotation(ArgoCdAnnotations.SYNC_WAVE, String(wave));
  }

  /** The wave set on `obj`, if any. */
  public static waveSetOn(obj: ApiObject): string | undefined {
    const annotations = (obj.metadata.toJson() as { annotations?: Record<string, string> }).annotations;
    return annotations?.[ArgoCdAnnotations.SYNC_WAVE];
  }

  /**
   * The wave `obj` is applied in: the one set on it, or else its kind's wave from {@link SYNC_WAVES_BY_KIND}
   * (what the by-kind pass gives it).
   */
  public static effectiveWave(obj: ApiObject): number {
    const set = SyncWaves.waveSetOn(obj);
    return set !== undefined ? Number(set) : SYNC_WAVES_BY_KIND[obj.kind] ?? SyncWave.WORKLOADS;
  }

  /** The waves by kind in effect. */
  public readonly byKind: Readonly<Record<string, number>>;

  /** Objects already given their wave (or found with one): cdk8s validates once per rendered chart. */
  private readonly done = new WeakSet<ApiObject>();

  constructor(scope: Construct, id: string, props: SyncWavesProps = {}) {
    super(scope, id);
    checkProps(this, props, SYNC_WAVES_RULES);
    this.byKind = { ...SYNC_WAVES_BY_KIND, ...props.byKind };
    for (const [kind, wave] of Object.entries(this.byKind)) {
      if (!Number.isInteger(wave)) {
        failAt(this, `byKind.${kind}`, `must be an integer, got ${JSON.stringify(wave)}`);
      }
    }
    this.node.addValidation({
      validate: () => {
        this.annotate(scope);
        return [];
      },
    });
  }

  /** The wave of a kind. */
  public waveOf(kind: string): number {
    return this.byKind[kind] ?? SyncWave.WORKLOADS;
  }

  private annotate(scope: Construct): void {
    for (const c of scope.node.findAll()) {
      if (c instanceof ApiObject && !this.done.has(c)) {
        this.done.add(c);
        if (SyncWaves.waveSetOn(c) === undefined) {
          SyncWaves.setWave(c, this.waveOf(c.kind));
        }
      }
    }
  }
}
