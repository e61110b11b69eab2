import { Duration } from 'cdk8s';
import { ENVIRONMENTS, ENVIRONMENT_NAMES, loadEnvironment } from '../stacks/config';
import { renderGitOps } from '../stacks/gitops-stack';
import { renderedFiles } from './environment-helpers';
import { K8sObject, findObject } from './helpers';

const files = renderGitOps(ENVIRONMENT_NAMES.map((name) => ({ config: ENVIRONMENTS[name], files: renderedFiles(ENVIRONMENTS[name]) })));
const objects = files.flatMap((f) => f.objects as K8sObject[]);

describe('Argo CD (dist/argocd)', () => {
  test('one file with the project and one Application per environment', () => {
    expect(files.map((f) => f.fileName)).toEqual(['applications.k8s.yaml']);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['AppProject/ecommerce', 'Application/ecommerce-dev', 'Application/ecommerce-staging', 'Application/ecommerce-prod']);
  });

  test.each(ENVIRONMENT_NAMES)('%s points at dist/<env> on its cluster; only prod waits for a person', (name) => {
    const app = findObject(objects, 'Application', `ecommerce-${name}`);
    expect(app.spec.source.path).toBe(`dist/${name}`);
    expect(app.spec.source.directory.include).toBe('*.k8s.yaml');
    expect(app.spec.destination.name).toBe(ENVIRONMENTS[name].gitops.cluster);
    expect(app.spec.syncPolicy.automated).toEqual(name === 'prod' ? undefined : { prune: true, selfHeal: true });
  });

  test('the project allows exactly the namespaces and cluster-scoped kinds the environments render', () => {
    const project = findObject(objects, 'AppProject', 'ecommerce');
    expect(project.spec.destinations).toContainEqual({ name: 'production-cluster', namespace: 'kube-system' });
    expect(project.spec.destinations).not.toContainEqual({ name: 'dev-cluster', namespace: 'kube-system' });
    expect(project.spec.clusterResourceWhitelist).toEqual([
      { group: '', kind: 'Namespace' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' },
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding' },
    ]);
  });

  test.each([
    [{ path: 'dist/staging' }, '[environment prod] gitops.path: must be "dist/prod", got "dist/staging"'],
    [{ repoUrl: 'git.example.com/x' }, '[environment prod] gitops.repoUrl: must be an https, ssh or git@ URL, got "git.example.com/x"'],
    [{ cluster: 'Prod Cluster' }, '[environment prod] gitops.cluster: '],
  ])('environment config rejects gitops %j', (gitops, message) => {
    const prod = { ...ENVIRONMENTS.prod, gitops: { ...ENVIRONMENTS.prod.gitops, ...gitops } };
    expect(() => loadEnvironment('prod', { ...ENVIRONMENTS, prod })).toThrow(message);
  });

  test('environment config rejects an unpinned smoke test image and a zero chaos duration', () => {
    const prod = { ...ENVIRONMENTS.prod, deployHooks: { ...ENVIRONMENTS.prod.deployHooks, smokeTestImage: 'curlimages/curl' } };
    expect(() => loadEnvironment('prod', { ...ENVIRONMENTS, prod })).toThrow('[environment prod] deployHooks.smokeTestImage: must be an image pinned');
    const staging = { ...ENVIRONMENTS.staging, chaos: { podFailureDuration: Duration.seconds(0) } };
    expect(() => loadEnvironment('staging', { ...ENVIRONMENTS, staging })).toThrow('[environment staging] chaos.podFailureDuration: must be a Duration of whole seconds from Duration.seconds(1) to Duration.hours(1), got 0s');
  });
});
