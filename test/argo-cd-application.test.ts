import { ArgoCdApplication, ArgoCdApplicationProps, MANIFEST_GLOB } from '../lib/delivery/argo-cd-application';
import { findObject, synthChart, testChart } from './helpers';

const BASE: ArgoCdApplicationProps = {
  name: 'shop-prod', project: 'shop', repoUrl: 'https://git.example.com/shop.git', targetRevision: 'main', path: 'dist/prod', cluster: 'prod', automatedSync: false,
};

function render(props: Partial<ArgoCdApplicationProps> = {}) {
  const chart = testChart();
  new ArgoCdApplication(chart, 'App', { ...BASE, ...props });
  return findObject(synthChart(chart), 'Application', props.name ?? BASE.name);
}

describe('ArgoCdApplication', () => {
  test('points at the folder, applies only *.k8s.yaml, in namespace argocd', () => {
    const app = render();
    expect(app.metadata.namespace).toBe('argocd');
    expect(app.spec.source).toEqual({ repoURL: 'https://git.example.com/shop.git', targetRevision: 'main', path: 'dist/prod', directory: { include: '*.k8s.yaml', recurse: false } });
    expect(MANIFEST_GLOB).toBe('*.k8s.yaml');
    expect(app.spec.destination).toEqual({ name: 'prod' });
    expect(app.spec.project).toBe('shop');
    expect((app.metadata as { finalizers?: string[] }).finalizers).toBeUndefined();
  });

  test('manual sync has no automated policy and no retry', () => {
    const app = render();
    expect(app.spec.syncPolicy.automated).toBeUndefined();
    expect(app.spec.syncPolicy.retry).toBeUndefined();
    expect(app.spec.syncPolicy.syncOptions).toEqual(['ApplyOutOfSyncOnly=true', 'PruneLast=true']);
  });

  test('automated sync prunes and self-heals, with a bounded retry', () => {
    const app = render({ automatedSync: true });
    expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(app.spec.syncPolicy.retry).toEqual({ limit: 3, backoff: { duration: '30s', factor: 2, maxDuration: '5m' } });
  });

  test.each([
    [{ name: 'Shop' }, '[test/App] name: '],
    [{ path: '../secrets' }, '[test/App] path: must be a relative folder inside the repository, got "../secrets"'],
    [{ path: '/dist/prod' }, '[test/App] path: must be a relative folder inside the repository, got "/dist/prod"'],
    [{ repoUrl: '' }, '[test/App] repoUrl: required, got ""'],
    [{ cluster: ' ' }, '[test/App] cluster: required, got " "'],
  ])('rejects %j', (props, message) => {
    expect(() => render(props)).toThrow(message);
  });
});
