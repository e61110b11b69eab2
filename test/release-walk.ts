/**
 * Walks a release the way Argo CD applies it (`syncTasks`: PreSync hooks, then the Sync waves with their
 * hooks, pruning, PostSync hooks) and checks, before the first task and after every one, what live traffic
 * and the database go through:
 *
 * - the colour the live Service sends traffic to can scale to the live maximum, and was already running at
 *   least the live minimum when the sync started (a sync does not wait for an HPA to scale out);
 * - no schema consumer (queue workers, scheduler) runs an image newer than the migrations applied so far;
 * - the colour receiving traffic runs the image it ran before the release.
 */
import { SyncObject, SyncTask, objectKey, syncTasks } from '../lib/delivery/sync-order';
import { compareVersions } from '../stacks/release';

/** What the walk needs to know about the release. */
export interface WalkSubject {
  readonly namespace: string;
  /** The blue/green app: `<app>-service`, `<app>-<colour>`, `<app>-<colour>-hpa`. */
  readonly appName: string;
  /** Name of the migration hook Job. */
  readonly migrationJob: string;
  /** Deployments that run the release's code against the database besides the app. */
  readonly schemaConsumers: readonly string[];
}

/** One checked moment of the walk. */
export interface WalkStep {
  /** What just happened (`start`, `Sync wave 2: apply Deployment/laravel-worker`). */
  readonly after: string;
  /** Colour the live Service selects, if any. */
  readonly serving?: string;
  /** Every rule broken at this moment. */
  readonly problems: string[];
}

type Obj = SyncObject & { spec?: Record<string, unknown> };

function imageOf(obj: Obj | undefined, container?: string): string | undefined {
  const pod = (obj?.spec as { template?: { spec?: { containers?: Array<{ name: string; image: string }> } } } | undefined)?.template?.spec;
  const containers = pod?.containers ?? [];
  return (containers.find((c) => c.name === container) ?? containers[0])?.image;
}

/** The tag or digest of an image reference. */
export function tagOf(image: string): string {
  return image.includes('@') ? image.slice(image.indexOf('@') + 1) : image.slice(image.lastIndexOf(':') + 1);
}

class ClusterState {
  private readonly objects = new Map<string, Obj>();

  constructor(objects: readonly Obj[]) {
    for (const o of objects) {
      this.objects.set(objectKey(o), o);
    }
  }

  get(kind: string, namespace: string, name: string): Obj | undefined {
    return this.objects.get(`${kind}/${namespace}/${name}`);
  }

  apply(o: Obj): void {
    this.objects.set(objectKey(o), o);
  }

  remove(o: Obj): void {
    this.objects.delete(objectKey(o));
  }
}

/** A colour's bounds: its HPA's, or its Deployment's fixed size. */
function bounds(state: ClusterState, s: WalkSubject, colour: string): { min: number; max: number } | undefined {
  const hpa = state.get('HorizontalPodAutoscaler', s.namespace, `${s.appName}-${colour}-hpa`);
  if (hpa !== undefined) {
    const spec = hpa.spec as { minReplicas?: number; maxReplicas: number };
    return { min: spec.minReplicas ?? 1, max: spec.maxReplicas };
  }
  const deployment = state.get('Deployment', s.namespace, `${s.appName}-${colour}`);
  if (deployment === undefined) {
    return undefined;
  }
  const replicas = (deployment.spec as { replicas?: number }).replicas ?? 1;
  return { min: replicas, max: replicas };
}

function servingColour(state: ClusterState, s: WalkSubject): string | undefined {
  const service = state.get('Service', s.namespace, `${s.appName}-service`);
  return (service?.spec as { selector?: Record<string, string> } | undefined)?.selector?.environment;
}

/** The live bounds a state promises: the serving colour's. */
function liveBounds(state: ClusterState, s: WalkSubject): { min: number; max: number } | undefined {
  const colour = servingColour(state, s);
  return colour === undefined ? undefined : bounds(state, s, colour);
}

/** Whether `tag` is covered by the migrations applied: one of them, or older than the newest (versions). */
function migrated(tag: string, applied: readonly string[]): boolean {
  if (applied.includes(tag)) {
    return true;
  }
  return applied.some((a) => {
    const order = compareVersions(tag, a);
    return order !== undefined && order <= 0;
  });
}

function describe(task: SyncTask): string {
  return `${task.phase} wave ${task.wave === Number.MAX_SAFE_INTEGER ? 'prune' : task.wave}: ${task.action} ${task.object.kind}/${task.object.metadata?.name}`;
}

/**
 * Walks the sync that takes `deployed` (what the cluster runs, e.g. the committed `dist/<env>`) to `desired`
 * and returns every moment with the rules broken then.
 */
export function walkRelease(deployed: readonly Obj[], desired: readonly Obj[], s: WalkSubject): WalkStep[] {
  const before = new ClusterState(deployed);
  const after = new ClusterState(desired);
  const state = new ClusterState(deployed);
  // The live bounds must hold throughout: the smaller of before and after (a release may change them).
  const was = liveBounds(before, s);
  const will = liveBounds(after, s);
  const required = was === undefined ? will : will === undefined ? was : { min: Math.min(was.min, will.min), max: Math.min(was.max, will.max) };
  const deployedMigration = imageOf(before.get('Job', s.namespace, s.migrationJob));
  const applied: string[] = deployedMigration === undefined ? [] : [tagOf(deployedMigration)];

  const check = (label: string): WalkStep => {
    const problems: string[] = [];
    const colour = servingColour(state, s);
    if (colour !== undefined && required !== undefined) {
      const now = bounds(state, s, colour);
      if (now === undefined || now.max < required.max) {
        problems.push(`${colour} receives traffic but can scale to ${now?.max ?? 0} pod(s), below the live maximum of ${required.max}`);
      }
      // Pods scaled up during the sync are not awaited: what ran before the sync is what serves.
      const running = bounds(before, s, colour) ?? now;
      if (running === undefined || running.min < required.min) {
        problems.push(`${colour} receives traffic with ${running?.min ?? 0} pod(s) running, below the live minimum of ${required.min}`);
      }
      const image = imageOf(state.get('Deployment', s.namespace, `${s.appName}-${colour}`), s.appName);
      const previous = imageOf(before.get('Deployment', s.namespace, `${s.appName}-${colour}`), s.appName);
      if (previous !== undefined && image !== previous) {
        problems.push(`${colour} receives traffic and its image changed in place: ${tagOf(previous)} -> ${image === undefined ? 'nothing' : tagOf(image)}`);
      }
    }
    for (const name of s.schemaConsumers) {
      const image = imageOf(state.get('Deployment', s.namespace, name));
      if (image !== undefined && !migrated(tagOf(image), applied)) {
        problems.push(`${name} runs ${tagOf(image)}, newer than the migrations applied (${applied.length === 0 ? 'none' : applied.join(', ')})`);
      }
    }
    return { after: label, serving: colour, problems };
  };

  const steps: WalkStep[] = [check('start')];
  for (const task of syncTasks(deployed, desired)) {
    const obj = task.object as Obj;
    if (task.action === 'apply') {
      state.apply(obj);
    } else if (task.action === 'prune') {
      state.remove(obj);
    } else if (obj.kind === 'Job' && obj.metadata?.name === s.migrationJob && obj.metadata?.namespace === s.namespace) {
      const image = imageOf(obj);
      if (image !== undefined) {
        applied.push(tagOf(image));
      }
    }
    steps.push(check(describe(task)));
  }
  return steps;
}

/** The broken rules of a walk, one line each: `<moment>: <problem>`. */
export function walkProblems(steps: readonly WalkStep[]): string[] {
  return steps.flatMap((step) => step.problems.map((p) => `${step.after}: ${p}`));
}
