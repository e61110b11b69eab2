import { Construct } from 'constructs';
import { AppProject } from '../../imports/argoproj.io';
import { assertAt, failAt } from '../core/errors';
import { checkArrayOf, checkDnsLabel, checkDnsSubdomain, checkNonEmpty, checkProps, checkShape, checkString, optional, Rules } from '../core/checks';
import { recommendedLabels } from '../core/labels';

/** A kind of object, by API group (`''` for the core group) and kind. */
export interface GroupKind {
  /** API group; `''` for core objects (Namespace). */
  readonly group: string;

  /** Kind (`ClusterRole`). */
  readonly kind: string;
}

/** Where a project may deploy: a cluster and the namespaces on it. */
export interface ProjectDestination {
  /** Name of the cluster as registered in Argo CD. */
  readonly cluster: string;

  /** Namespaces the project's Applications may deploy to on it. */
  readonly namespaces: readonly string[];
}

/** Props of {@link ArgoCdProject}. */
export interface ArgoCdProjectProps {
  /** Project name (`shop`). */
  readonly name: string;

  /**
   * Namespace Argo CD runs in.
   *
   * @default 'argocd'
   */
  readonly namespace?: string;

  /** What the project is for (`spec.description`). */
  readonly description: string;

  /** Git repositories the project's Applications may read. */
  readonly sourceRepos: readonly string[];

  /** Clusters and namespaces the Applications may deploy to; nothing else is allowed. */
  readonly destinations: readonly ProjectDestination[];

  /**
   * Cluster-scoped kinds the Applications may create (Namespace, ClusterRole...); every other
   * cluster-scoped kind is refused by Argo CD.
   *
   * @default - none
   */
  readonly clusterResources?: readonly GroupKind[];
}

/** Run-time checks of {@link ArgoCdProjectProps}, applied before anything is created. */
const ARGO_CD_PROJECT_RULES: Rules = {
  name: checkDnsSubdomain,
  namespace: optional(checkDnsLabel),
  description: checkString,
  sourceRepos: checkArrayOf(checkNonEmpty),
  destinations: checkArrayOf(checkShape({ cluster: checkNonEmpty, namespaces: checkArrayOf(checkDnsLabel) })),
  clusterResources: optional(checkArrayOf(checkShape({ group: checkString, kind: checkNonEmpty }))),
};

/**
 * An Argo CD AppProject: the boundary of what its Applications may deploy, from which repositories, to
 * which clusters and namespaces, and which cluster-scoped kinds. Lists are sorted and de-duplicated so the
 * output does not depend on the order they were gathered in.
 *
 * @see https://argo-cd.readthedocs.io/en/stable/user-guide/projects/
 */
export class ArgoCdProject extends Construct {
  /** The AppProject object. */
  public readonly project: AppProject;

  /** Project name, for the Applications' `spec.project`. */
  public readonly projectName: string;

  constructor(scope: Construct, id: string, props: ArgoCdProjectProps) {
    super(scope, id);
    checkProps(this, props, ARGO_CD_PROJECT_RULES);
    const namespace = props.namespace ?? 'argocd';
    assertAt(this, 'name', checkDnsLabel(props.name));
    assertAt(this, 'namespace', checkDnsLabel(namespace));
    assertAt(this, 'description', checkNonEmpty(props.description));
    if (props.sourceRepos.length === 0) {
      failAt(this, 'sourceRepos', 'required: at least one repository');
    }
    if (props.destinations.length === 0) {
      failAt(this, 'destinations', 'required: at least one cluster and namespace');
    }
    props.destinations.forEach((d, i) => {
      assertAt(this, `destinations[${i}].cluster`, checkNonEmpty(d.cluster));
      d.namespaces.forEach((ns, j) => assertAt(this, `destinations[${i}].namespaces[${j}]`, checkDnsLabel(ns)));
    });
    this.projectName = props.name;

    const destinations = unique(props.destinations.flatMap((d) => d.namespaces.map((ns) => `${d.cluster}/${ns}`)))
      .map((key) => ({ name: key.split('/')[0], namespace: key.split('/')[1] }));
    const clusterResources = unique((props.clusterResources ?? []).map((gk) => `${gk.group}/${gk.kind}`))
      .map((key) => ({ group: key.split('/')[0], kind: key.split('/')[1] }));
    this.project = new AppProject(this, 'Resource', {
      metadata: {
        name: props.name,
        namespace,
        labels: recommendedLabels({ name: props.name, instance: props.name, component: 'delivery', partOf: props.name }),
      },
      spec: {
        description: props.description,
        sourceRepos: unique(props.sourceRepos),
        destinations,
        clusterResourceWhitelist: clusterResources,
        // Argo CD reports objects in the destination namespaces that no Application manages.
        orphanedResources: { warn: true },
      },
    });
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}
