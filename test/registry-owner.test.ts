import { App, Chart, Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertCatalogue, AlertRuleSpec } from '../lib/alerting/alert-catalogue';
import { AlertRules } from '../lib/alerting/alert-rules';
import { RegistryOwner } from '../lib/core/registry-owner';
import { SecretReferences } from '../lib/core/secret-references';
import { NetworkConnections } from '../lib/safety/network-connections';
import { Policy } from '../lib/safety/policy';
import { ENVIRONMENTS } from '../stacks/config';
import { buildEnvironment } from '../stacks/platform';
import { K8sObject } from './helpers';

const rule = (alert: string): AlertRuleSpec => ({
  alert, expr: 'up == 0', for: Duration.minutes(5), severity: 'warning', priority: 'P3', team: 'shop',
  summary: 's', description: 'd', runbook: 'r',
});

function alertsOf(chart: Chart): string[] {
  const objects = Testing.synth(chart) as K8sObject[];
  const prometheusRules = objects.filter((o) => o.kind === 'PrometheusRule');
  expect(prometheusRules.length).toBe(1);
  return prometheusRules[0].spec.groups.flatMap((g: { rules: Array<{ alert?: string }> }) => g.rules.map((r) => r.alert)).sort();
}

describe('RegistryOwner', () => {
  test('two teams\' charts in one App each get their own registries', () => {
    const app = new App();
    const a = new Chart(app, 'TeamA');
    const b = new Chart(app, 'TeamB');
    expect(AlertCatalogue.of(a)).not.toBe(AlertCatalogue.of(b));
    expect(SecretReferences.of(new Construct(a, 'X'))).toBe(SecretReferences.of(a));
    expect(NetworkConnections.of(a)).not.toBe(NetworkConnections.of(b));
    expect(Policy.of(a)).not.toBe(Policy.of(b));
  });

  test('a declared root shares one registry between the charts beneath it', () => {
    const root = new Construct(new App(), 'prod');
    RegistryOwner.declare(root);
    const web = new Chart(root, 'Web');
    const data = new Chart(root, 'Data');
    expect(AlertCatalogue.of(web)).toBe(AlertCatalogue.of(data));
    expect(RegistryOwner.of(new Construct(web, 'Deep'))).toBe(root);
  });

  test('a nested chart shares its outer chart\'s registry', () => {
    const outer = new Chart(new App(), 'Outer');
    const inner = new Chart(outer, 'Inner');
    expect(RegistryOwner.of(inner)).toBe(outer);
  });

  test('fails outside any chart and any declared owner', () => {
    const app = new App();
    expect(() => AlertCatalogue.of(new Construct(app, 'Loose')))
      .toThrow('[Loose] scope: is in no Chart and under no RegistryOwner: create it inside a Chart, or declare its root with RegistryOwner.declare()');
  });

  test('two teams\' AlertRules in one App do not collide, and each renders only its own rules', () => {
    const app = new App();
    const teams = ['a', 'b'].map((team) => {
      const chart = new Chart(app, `Team${team.toUpperCase()}`, { namespace: `team-${team}` });
      new AlertRules(chart, 'Rules', { output: 'prometheus-rule', runbookBaseUrl: 'https://runbooks.example', partOf: `team-${team}`, metricProvenance: false });
      AlertCatalogue.of(chart).addRule(chart, { name: team }, rule(`Team${team.toUpperCase()}Down`));
      return chart;
    });
    expect(alertsOf(teams[0])).toEqual(['PrometheusRuleFailures', 'TeamADown', 'Watchdog']);
    expect(alertsOf(teams[1])).toEqual(['PrometheusRuleFailures', 'TeamBDown', 'Watchdog']);
  });

  test('dev and prod build into one App, each with its own registries', () => {
    const app = new App();
    const dev = buildEnvironment(app, ENVIRONMENTS.dev);
    const prod = buildEnvironment(app, ENVIRONMENTS.prod);
    expect(dev.secrets).not.toBe(prod.secrets);
    expect(AlertCatalogue.of(dev.root)).not.toBe(AlertCatalogue.of(prod.root));
    expect(NetworkConnections.of(dev.root).connections().length).toBeGreaterThan(0);
    expect(NetworkConnections.of(dev.root).connections().every((c) => c.owner.startsWith('dev/'))).toBe(true);
    expect(prod.secrets.list().every((s) => s.referencedBy.every((p) => p.startsWith('prod/')))).toBe(true);
  });
});
