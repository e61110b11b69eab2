import { ArgoCdAnnotations } from './sync-waves';

/** A rendered object, as read from `dist/` or a synth. */
export type SyncObject = { kind: string; metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> }; [key: string]: unknown };

/** Phases of an Argo CD sync, in the order they run. `SyncFail` hooks run only when the sync failed. */
export type SyncPhase = 'PreSync' | 'Sync' | 'PostSync' | 'SyncFail';

/** One thing Argo CD does during a sync. */
export interface SyncTask {
  /** Phase the task runs in. */
  readonly phase: SyncPhase;

  /** Its wave within the phase. */
  readonly wave: number;

  /** `apply` an object, `run` a hook, or `prune` an object that is no longer rendered. */
  readonly action: 'apply' | 'run' | 'prune';

  /** The object. */
  readonly object: SyncObject;
}

const PHASES: readonly SyncPhase[] = ['PreSync', 'Sync', 'PostSync', 'SyncFail'];

/**
 * Argo CD's apply order of kinds within one phase and wave (gitops-engine `pkg/sync/sync_tasks.go`, after
 * Helm's kind sorter); kinds not listed (custom resources) come after all of them.
 */
export const ARGO_CD_KIND_ORDER: readonly string[] = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget', 'ServiceAccount',
  'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition',
  'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role', 'RoleList', 'RoleBinding',
  'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler',
  'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
];

/** The sync phases an object's hook annotation names; empty for an ordinary object. */
export function hookPhases(obj: SyncObject): SyncPhase[] {
  const hook = obj.metadata?.annotations?.[ArgoCdAnnotations.HOOK];
  if (hook === undefined) {
    return [];
  }
  return hook.split(',').map((h) => h.trim()).filter((h): h is SyncPhase => (PHASES as readonly string[]).includes(h));
}

/** The object's sync wave (0 when it has none, as Argo CD reads it). */
export function syncWaveOf(obj: SyncObject): number {
  const wave = obj.metadata?.annotations?.[ArgoCdAnnotations.SYNC_WAVE];
  return wave === undefined ? 0 : Number(wave);
}

/** `Kind/namespace/name`: how an object is identified across two renders. */
export function objectKey(obj: SyncObject): string {
  return `${obj.kind}/${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

/**
 * The tasks of a sync that takes a cluster holding `deployed` to `desired`, in the order Argo CD runs them:
 * by phase (PreSync, Sync, PostSync), then wave, then kind (`ARGO_CD_KIND_ORDER`), then name. Sync hooks run
 * among the objects of their wave. With `PruneLast` (as the Applications here set), objects no longer rendered
 * are deleted after every wave, before PostSync. `SyncFail` hooks are left out: they run only when a sync failed.
 *
 * Every desired object is listed, changed or not (with `ApplyOutOfSyncOnly` Argo CD skips those unchanged;
 * applying them changes nothing).
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/
 */
export function syncTasks(deployed: readonly SyncObject[], desired: readonly SyncObject[]): SyncTask[] {
  const tasks: SyncTask[] = [];
  for (const object of desired) {
    const phases = hookPhases(object);
    if (phases.length === 0) {
      tasks.push({ phase: 'Sync', wave: syncWaveOf(object), action: 'apply', object });
    }
    for (const phase of phases.filter((p) => p !== 'SyncFail')) {
      tasks.push({ phase, wave: syncWaveOf(object), action: 'run', object });
    }
  }
  const kindRank = (kind: string) => {
    const i = ARGO_CD_KIND_ORDER.indexOf(kind);
    return i < 0 ? ARGO_CD_KIND_ORDER.length : i;
  };
  tasks.sort((a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase) || a.wave - b.wave
    || kindRank(a.object.kind) - kindRank(b.object.kind) || compare(a.object.metadata?.name ?? '', b.object.metadata?.name ?? ''));

  const kept = new Set(desired.filter((o) => hookPhases(o).length === 0).map(objectKey));
  const pruned = deployed.filter((o) => hookPhases(o).length === 0 && !kept.has(objectKey(o)))
    .map((object): SyncTask => ({ phase: 'Sync', wave: Number.MAX_SAFE_INTEGER, action: 'prune', object }));
  const postSync = tasks.findIndex((t) => t.phase === 'PostSync');
  tasks.splice(postSync < 0 ? tasks.length : postSync, 0, ...pruned);
  return tasks;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
