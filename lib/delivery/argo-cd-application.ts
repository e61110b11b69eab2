import { Construct } from 'constructs';
import { Application } from '../../imports/argoproj.io';
import { assertAt } from '../core/errors';
import {
  checkBoolean, checkDnsLabel, checkDnsSubdomain, checkGitRevision, checkLabelName, checkNonEmpty, checkProps, checkString, optional, Rules,
} from '../core/checks';
import { recommendedLabels } from '../core/labels';

/** Files of an environment folder Argo CD applies: only rendered manifests, never scripts or reports beside them. */
export const MANIFEST_GLOB = '*.k8s.yaml';

/** Fields of one object Argo CD does not compare (`spec.ignoreDifferences[]`). */
export interface IgnoredDifference {
  /** API group (`''` for the core group). */
  readonly group: string;
  /** Kind (`Service`). */
  readonly kind: string;
  /** Namespace of the object. */
  readonly namespace: string;
  /** Name of the object. */
  readonly name: string;
  /** JSON pointers of the ignored fields (`/spec/selector`). */
  readonly jsonPointers: readonly string[];
}

/** Props of {@link ArgoCdApplication}. */
export interface ArgoCdApplicationProps {
  /** Application name (`shop-prod`). */
  readonly name: string;

  /**
   * Namespace Argo CD runs in; Applications live there.
   *
   * @default 'argocd'
   */
  readonly namespace?: string;

  /** The AppProject that limits what the Application may deploy where. */
  readonly project: string;

  /** Git repository URL (`spec.source.repoURL`). */
  readonly repoUrl: string;

  /** Branch, tag or commit to deploy (`spec.source.targetRevision`). */
  readonly targetRevision: string;

  /** Folder of the manifests in the repository (`dist/prod`). */
  readonly path: string;

  /** Name of the destination cluster as registered in Argo CD (`spec.destination.name`). */
  readonly cluster: string;

  /**
   * Sync automatically, pruning removed objects and reverting manual changes (self-heal). Off: Argo CD
   * shows the app OutOfSync and waits for a person to sync it.
   */
  readonly automatedSync: boolean;

  /**
   * Fields Argo CD leaves out of its diff, so a change made in the cluster by design (a hook's rollback of a
   * Service selector) is no drift for self-heal to revert. A sync still applies them from git.
   *
   * @default - every field is compared
   * @see https://argo-cd.readthedocs.io/en/stable/user-guide/diffing/
   */
  readonly ignoreDifferences?: readonly IgnoredDifference[];

  /**
   * `app.kubernetes.io/part-of` of the Application.
   *
   * @default - the project name
   */
  readonly partOf?: string;
}

/** Run-time checks of {@link ArgoCdApplicationProps}, applied before anything is created. */
const ARGO_CD_APPLICATION_RULES: Rules = {
  name: checkDnsSubdomain,
  namespace: optional(checkDnsLabel),
  project: checkDnsSubdomain,
  repoUrl: checkString,
  targetRevision: checkGitRevision,
  path: checkString,
  cluster: checkNonEmpty,
  automatedSync: checkBoolean,
  partOf: optional(checkLabelName),
};

/**
 * An Argo CD Application that applies one folder of rendered manifests.
 *
 * The directory source includes only `*.k8s.yaml` ({@link MANIFEST_GLOB}), so files generated beside the
 * manifests (the preflight script and its contract) are never applied. With `automatedSync`, the sync
 * prunes and self-heals and retries a failed sync a few times with backoff (a hook that failed because a
 * dependency was still starting); without it, nothing is applied until a person syncs.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/
 */
export class ArgoCdApplication extends Construct {
  /** The Application object. */
  public readonly application: Application;

  /** Whether the Application syncs by itself. */
  public readonly automatedSync: boolean;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    checkProps(this, props, ARGO_CD_APPLICATION_RULES);
    const namespace = props.namespace ?? 'argocd';
    assertAt(this, 'name', checkDnsLabel(props.name));
    assertAt(this, 'namespace', checkDnsLabel(namespace));
    assertAt(this, 'project', checkDnsLabel(props.project));
    assertAt(this, 'repoUrl', checkNonEmpty(props.repoUrl));
    assertAt(this, 'targetRevision', checkNonEmpty(props.targetRevision));
    assertAt(this, 'path', /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(props.path) && !props.path.split('/').includes('..')
      ? undefined : `must be a relative folder inside the repository, got ${JSON.stringify(props.path)}`);
    assertAt(this, 'cluster', checkNonEmpty(props.cluster));
    this.automatedSync = props.automatedSync;
    const ignored = [...(props.ignoreDifferences ?? [])];
    ignored.forEach((d, i) => {
      assertAt(this, `ignoreDifferences[${i}].name`, checkNonEmpty(d.name));
      d.jsonPointers.forEach((p, j) => assertAt(this, `ignoreDifferences[${i}].jsonPointers[${j}]`, /^(\/[^/\s]+)+$/.test(p) ? undefined : `must be a JSON pointer such as "/spec/selector", got ${JSON.stringify(p)}`));
    });

    this.application = new Application(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace,
        labels: recommendedLabels({ name: props.name, instance: props.name, component: 'delivery', partOf: props.partOf ?? props.project }),
        // Deleting the Application must not delete the shop: no resources-finalizer.
      },
      spec: {
        project: props.project,
        source: {
          repoUrl: props.repoUrl,
          targetRevision: props.targetRevision,
          path: props.path,
          directory: { include: MANIFEST_GLOB, recurse: false },
        },
        destination: { name: props.cluster },
        ignoreDifferences: ignored.length === 0 ? undefined : ignored.map((d) => ({ ...d, jsonPointers: [...d.jsonPointers] })),
        syncPolicy: {
          automated: props.automatedSync ? { prune: true, selfHeal: true } : undefined,
          // ApplyOutOfSyncOnly: a sync applies only what changed (a colour switch touches three objects);
          // PruneLast: objects removed from git go only after everything else is applied and healthy.
          syncOptions: ['ApplyOutOfSyncOnly=true', 'PruneLast=true'],
          retry: props.automatedSync ? { limit: 3, backoff: { duration: '30s', factor: 2, maxDuration: '5m' } } : undefined,
        },
        revisionHistoryLimit: 10,
      },
    });
  }
}
