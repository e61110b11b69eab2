import { ArgoCdProject, ArgoCdProjectProps } from '../lib/delivery/argo-cd-project';
import { findObject, synthChart, testChart } from './helpers';

const BASE: ArgoCdProjectProps = {
  name: 'shop',
  description: 'the shop',
  sourceRepos: ['https://git.example.com/b.git', 'https://git.example.com/a.git', 'https://git.example.com/a.git'],
  destinations: [{ cluster: 'prod', namespaces: ['shop', 'monitoring', 'shop'] }, { cluster: 'dev', namespaces: ['shop'] }],
  clusterResources: [{ group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }, { group: '', kind: 'Namespace' }, { group: '', kind: 'Namespace' }],
};

function render(props: Partial<ArgoCdProjectProps> = {}) {
  const chart = testChart();
  new ArgoCdProject(chart, 'Project', { ...BASE, ...props });
  return findObject(synthChart(chart), 'AppProject', 'shop');
}

describe('ArgoCdProject', () => {
  test('lists repositories, destinations and cluster kinds sorted and without duplicates', () => {
    const spec = render().spec;
    expect(spec.sourceRepos).toEqual(['https://git.example.com/a.git', 'https://git.example.com/b.git']);
    expect(spec.destinations).toEqual([{ name: 'dev', namespace: 'shop' }, { name: 'prod', namespace: 'monitoring' }, { name: 'prod', namespace: 'shop' }]);
    expect(spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }, { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole' }]);
    expect(spec.orphanedResources).toEqual({ warn: true });
  });

  test('allows no cluster-scoped kind unless given', () => {
    expect(render({ clusterResources: undefined }).spec.clusterResourceWhitelist).toEqual([]);
  });

  test.each([
    [{ sourceRepos: [] }, '[test/Project] sourceRepos: required: at least one repository'],
    [{ destinations: [] }, '[test/Project] destinations: required: at least one cluster and namespace'],
    [{ destinations: [{ cluster: 'prod', namespaces: ['Shop'] }] }, '[test/Project] destinations[0].namespaces[0]: '],
    [{ description: '' }, '[test/Project] description: required, got ""'],
  ])('rejects %j', (props, message) => {
    expect(() => render(props)).toThrow(message);
  });
});
