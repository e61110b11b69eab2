/**
 * Long names that are valid must work: derived object names longer than 63 characters are shortened with a
 * stable hash (never cut or merged), and every rendered name and label value stays within its limit.
 */
import { App, Chart } from 'cdk8s';
import { renderCharts } from '../lib/render/manifest-writer';
import { ENVIRONMENTS, EnvironmentName } from '../stacks/config';
import { synthObjects } from './environment-helpers';
import { K8sObject } from './helpers';
import { FIXTURES, chart as fixtureChart } from './construct-fixtures';

/** Fields that name objects or become label values, and the longest valid value of each. */
const LONG: Record<string, string> = {
  name: `n${'a'.repeat(61)}1`,
  appName: `app${'b'.repeat(59)}2`,
  partOf: `part${'c'.repeat(58)}3`,
  component: `comp${'d'.repeat(58)}4`,
  team: `team${'e'.repeat(58)}5`,
};

/** Every name and label value of the objects that breaks a Kubernetes length or syntax rule, or repeats. */
function problems(objects: K8sObject[]): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  for (const o of objects) {
    const id = `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (seen.has(id)) {
      found.push(`duplicate ${id}`);
    }
    seen.add(id);
    if (o.metadata.name.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(o.metadata.name)) {
      found.push(`bad name ${id}`);
    }
    const labelSets = [o.metadata.labels ?? {}, o.spec?.template?.metadata?.labels ?? {}, o.spec?.selector?.matchLabels ?? {}];
    for (const labels of labelSets) {
      for (const [k, v] of Object.entries(labels as Record<string, string>)) {
        if (typeof v === 'string' && v.length > 63) {
          found.push(`label ${k} of ${id} is ${v.length} characters`);
        }
      }
    }
  }
  return found;
}

describe('long valid names', () => {
  test.each(['dev', 'staging', 'prod'] as EnvironmentName[])('a 43-character app name synthesizes %s with every name and label within its limit', (env) => {
    const appName = 'ecommerce-storefront-application-service-x1';
    expect(appName).toHaveLength(43);
    const objects = synthObjects({ ...ENVIRONMENTS[env], web: { ...ENVIRONMENTS[env].web, appName } });
    expect(objects.some((o) => o.metadata.name.startsWith(appName))).toBe(true);
    expect(problems(objects)).toEqual([]);
  });

  const named = Object.entries(FIXTURES).filter(([, f]) => f.propsAre === undefined && Object.keys(f.props(fixtureChart())).some((k) => LONG[k] !== undefined));

  test('constructs with name props exist', () => {
    expect(named.length).toBeGreaterThan(10);
  });

  test.each(named.map(([name]) => name))('%s works with the longest valid names', (name) => {
    const fixture = FIXTURES[name];
    const chart = new Chart(new App(), 'test', { namespace: 'ecommerce', disableResourceNameHashes: true });
    const props = fixture.props(chart);
    for (const key of Object.keys(props)) {
      if (LONG[key] !== undefined) {
        props[key] = LONG[key];
      }
    }
    let objects: K8sObject[] = [];
    let error: unknown;
    try {
      fixture.create(chart, props);
      objects = renderCharts(chart.node.root).flatMap((f) => f.objects as K8sObject[]);
    } catch (e) {
      error = e;
    }
    expect(error === undefined ? undefined : `${(error as Error).name}: ${(error as Error).message}`).toBeUndefined();
    expect(problems(objects)).toEqual([]);
  });
});
