import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ArgoCdApplication, IgnoredDifference } from '../lib/delivery/argo-cd-application';
import { deliveryAnnotations } from '../lib/delivery/verified-switch';
import { PLATFORM_DELIVERY_ANNOTATION_PREFIX } from '../lib/laravel/laravel-defaults';
import { ArgoCdProject, GroupKind } from '../lib/delivery/argo-cd-project';
import { ManifestFile, renderCharts } from '../lib/render/manifest-writer';
import { RegistryOwner } from '../lib/core/registry-owner';
import { Policy } from '../lib/safety/policy';
import { EnvironmentConfig } from './config';

/** Delivery annotations of the platform's live Services. */
const PLATFORM_DELIVERY_ANNOTATIONS = deliveryAnnotations(PLATFORM_DELIVERY_ANNOTATION_PREFIX);

/** Folder of `dist/` the Argo CD objects are written to. */
export const GITOPS_FOLDER = 'argocd';

/** Namespace Argo CD runs in. */
export const ARGOCD_NAMESPACE = 'argocd';

/**
 * Cluster-scoped kinds, by `group/kind`. The rendered objects cannot tell: cdk8s stamps the chart's
 * namespace on a ClusterRole too (the API server ignores it).
 */
const CLUSTER_SCOPED = new Set([
  '/Namespace', '/PersistentVolume', 'apiextensions.k8s.io/CustomResourceDefinition', 'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding', 'storage.k8s.io/StorageClass', 'scheduling.k8s.io/PriorityClass',
  'networking.k8s.io/IngressClass', 'cert-manager.io/ClusterIssuer', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
]);

/** One environment: its configuration and rendered manifests. */
export interface RenderedEnvironmentFiles {
  readonly config: EnvironmentConfig;
  readonly files: readonly ManifestFile[];
}

/** Props of {@link GitOpsStack}. */
export interface GitOpsStackProps {
  /** Every environment, in promotion order. */
  readonly environments: readonly RenderedEnvironmentFiles[];
}

/**
 * The Argo CD objects (`dist/argocd/applications.k8s.yaml`): AppProject `<partOf>` and one Application
 * `<partOf>-<env>` per environment, pointing at `dist/<env>`. The project's destinations and cluster-scoped
 * kinds are read from the rendered manifests, so the project allows exactly what the environments deploy.
 */
export class GitOpsStack extends Chart {
  /** The project. */
  public readonly project: ArgoCdProject;

  /** The Applications, by environment name. */
  public readonly applications: Record<string, ArgoCdApplication> = {};

  constructor(scope: Construct, id: string, props: GitOpsStackProps) {
    super(scope, id, { namespace: ARGOCD_NAMESPACE, disableResourceNameHashes: true });
    const partOf = props.environments[0]?.config.partOf ?? 'ecommerce';
    const clusterResources: GroupKind[] = [];
    this.project = new ArgoCdProject(this, 'Project', {
      name: partOf,
      description: `The ${partOf} platform, one Application per environment, rendered by cdk8s`,
      sourceRepos: props.environments.map((e) => e.config.gitops.repoUrl),
      destinations: props.environments.map(({ config, files }) => {
        const namespaces = new Set<string>();
        for (const obj of files.flatMap((f) => f.objects)) {
          const { namespace } = (obj.metadata ?? {}) as { namespace?: string };
          const apiVersion = String(obj.apiVersion);
          const groupKind = { group: apiVersion.includes('/') ? apiVersion.split('/')[0] : '', kind: String(obj.kind) };
          if (CLUSTER_SCOPED.has(`${groupKind.group}/${groupKind.kind}`)) {
            clusterResources.push(groupKind);
          } else if (namespace !== undefined) {
            namespaces.add(namespace);
          }
        }
        return { cluster: config.gitops.cluster, namespaces: [...namespaces] };
      }),
      clusterResources,
    });
    for (const { config, files } of props.environments) {
      this.applications[config.name] = new ArgoCdApplication(this, `Application-${config.name}`, {
        name: `${partOf}-${config.name}`,
        namespace: ARGOCD_NAMESPACE,
        project: this.project.projectName,
        repoUrl: config.gitops.repoUrl,
        targetRevision: config.gitops.targetRevision,
        path: config.gitops.path,
        cluster: config.gitops.cluster,
        automatedSync: config.gitops.automatedSync,
        ignoreDifferences: verifiedServiceSelectors(files),
        partOf,
      });
    }
  }
}

/**
 * The selectors of Services a verification hook may switch back (those carrying the release annotation):
 * self-heal must not undo an automatic rollback. A switch committed to git still reaches the cluster, because
 * it also changes the Service's release annotation, which is compared.
 */
function verifiedServiceSelectors(files: readonly ManifestFile[]): IgnoredDifference[] {
  return files.flatMap((f) => f.objects).filter((obj) => {
    const annotations = (obj.metadata as { annotations?: Record<string, string> } | undefined)?.annotations ?? {};
    return obj.kind === 'Service' && annotations[PLATFORM_DELIVERY_ANNOTATIONS.RELEASE] !== undefined;
  }).map((obj) => {
    const { name, namespace } = obj.metadata as { name: string; namespace: string };
    return { group: '', kind: 'Service', namespace, name, jsonPointers: ['/spec/selector'] };
  });
}

/**
 * Renders the Argo CD folder from every environment's rendered manifests, through the same validation and
 * policy pass as an environment.
 *
 * @throws ValidationError for a construct mistake or a policy error
 */
export function renderGitOps(environments: readonly RenderedEnvironmentFiles[]): ManifestFile[] {
  const root = new Construct(new App(), GITOPS_FOLDER);
  RegistryOwner.declare(root);
  new GitOpsStack(root, 'Applications', { environments });
  const files = renderCharts(root);
  Policy.of(root).check(files, { warnings: [] }).throwIfErrors(root.node.path);
  return files;
}
