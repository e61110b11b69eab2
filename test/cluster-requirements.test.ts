import { App, Chart } from 'cdk8s';
import { ClusterRequirement, ClusterRequirements } from '../lib/core/cluster-requirements';

const requirement = (description: string, values: string[]): ClusterRequirement => ({
  severity: 'error', description, args: ['get', 'deployments', '-A', '-o', 'name'], expect: { type: 'contains', values },
});

describe('ClusterRequirements', () => {
  test('one registry per owner, listed by description; recording the same check twice keeps one', () => {
    const app = new App();
    const a = new Chart(app, 'A');
    const b = new Chart(app, 'B');
    ClusterRequirements.of(a).add(a, requirement('z: controller runs', ['controller']));
    ClusterRequirements.of(a).add(a, requirement('a: exporter runs', ['exporter']));
    ClusterRequirements.of(a).add(a, requirement('a: exporter runs', ['exporter']));
    expect(ClusterRequirements.of(a).list().map((r) => r.description)).toEqual(['a: exporter runs', 'z: controller runs']);
    expect(ClusterRequirements.of(b).list()).toEqual([]);
  });

  test('the same description with another check fails naming it', () => {
    const chart = new Chart(new App(), 'C');
    ClusterRequirements.of(chart).add(chart, requirement('exporter runs', ['exporter']));
    expect(() => ClusterRequirements.of(chart).add(chart, requirement('exporter runs', ['other'])))
      .toThrow('[C] requirement: "exporter runs" is already required with another check');
  });

  test('an expectation missing what its type needs is refused', () => {
    const chart = new Chart(new App(), 'C');
    expect(() => ClusterRequirements.of(chart).add(chart, { ...requirement('x', []), expect: { type: 'equals' } as never }))
      .toThrow('[C] requirement.expect.value: ');
  });
});
