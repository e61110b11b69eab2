import { App } from 'cdk8s';
import * as YAML from 'yaml';
import { ENVIRONMENTS, EnvironmentName, loadEnvironment } from '../stacks/config';
import { buildEnvironment } from '../stacks/platform';
import { shippedEnvironments, renderedFiles } from './environment-helpers';
import { K8sObject, findObject, ofKind, nonEmpty } from './helpers';

describe.each(shippedEnvironments())('%s alerting', (name) => {
  const config = ENVIRONMENTS[name as EnvironmentName];
  const alerting = renderedFiles(config).find((f) => f.fileName === 'alerting.k8s.yaml')!.objects as K8sObject[];
  let built: ReturnType<typeof buildEnvironment> | undefined;
  /** The environment's construct tree, built once for the tests below (which only read it). */
  const stacks = () => (built ??= buildEnvironment(new App(), config));

  test('renders everything in namespace monitoring', () => {
    expect(nonEmpty(alerting, 'alerting object').every((o) => o.metadata.namespace === 'monitoring')).toBe(true);
  });

  test('renders what its monitoring mode consumes, in namespace monitoring', () => {
    if (config.monitoring.mode === 'standalone') {
      expect(Object.keys(findObject(alerting, 'ConfigMap', 'prometheus-rules').data)).toContain('application.yaml');
      expect(ofKind(alerting, 'PrometheusRule')).toEqual([]);
      // A ConfigMap: the configuration holds no credential, so nothing here is a Secret.
      const configMap = findObject(alerting, 'ConfigMap', 'alertmanager-config');
      expect(Object.keys(configMap.data)).toEqual(['alertmanager.yml']);
      expect(configMap.data['alertmanager.yml']).toContain('/etc/alertmanager/receivers/pagerduty-routing-key');
      expect(ofKind(alerting, 'Secret')).toEqual([]);
    } else {
      // The Prometheus Operator reads its Alertmanager configuration from a Secret only (configSecret).
      const secret = findObject(alerting, 'Secret', 'alertmanager-config');
      expect(findObject(alerting, 'PrometheusRule', 'laravel-ecommerce-alerts').metadata.labels).toMatchObject(config.monitoring.operatorSelector);
      expect(ofKind(alerting, 'ConfigMap')).toEqual([]);
      expect(Object.keys(secret.stringData)).toEqual(['alertmanager.yaml']);
      expect(secret.stringData['alertmanager.yaml']).toContain('/etc/alertmanager/secrets/alertmanager-receivers/pagerduty-routing-key');
    }
  });

  test('routes to the environment\'s channel and records the receivers Secret it needs', () => {
    const am = YAML.parse(stacks().alerting.routing.configYaml);
    expect(am.receivers.find((r: { name: string }) => r.name === 'team-slack').slack_configs[0].channel).toBe(config.alerting.receivers.chatChannel);
    expect(stacks().secrets.list().find((s) => s.name === 'alertmanager-receivers')).toMatchObject({
      namespace: 'monitoring', keys: ['deadmans-switch-token', 'pagerduty-routing-key', 'slack-webhook-url', 'smtp-password'],
    });
  });

  test('ships no alert without a firing and a silent unit test, and leaves out the disabled ones', () => {
    const rules = stacks().alerting.rules;
    expect(rules.untestedAlerts()).toEqual([]);
    const alerts = rules.catalogue.groups().flatMap((g) => g.rules.map((r) => r.alert));
    for (const disabled of config.alerting.disabledAlerts) {
      expect(alerts).not.toContain(disabled);
    }
    expect(alerts).toContain('Watchdog');
  });
});

describe('alerting configuration', () => {
  test('rejects an unknown disabled alert', () => {
    const prod = ENVIRONMENTS.prod;
    const broken = { ...prod, alerting: { ...prod.alerting, disabledAlerts: ['Nope'] } };
    expect(() => loadEnvironment('prod', { prod: broken })).toThrow(/^\[environment prod\] alerting\.disabledAlerts\[0\]: must be one of "ServiceDown", /);
  });

  test('rejects a zero threshold', () => {
    const prod = ENVIRONMENTS.prod;
    const broken = { ...prod, alerting: { ...prod.alerting, thresholds: { ...prod.alerting.thresholds, queueBacklogJobs: 0 } } };
    expect(() => loadEnvironment('prod', { prod: broken })).toThrow('[environment prod] alerting.thresholds.queueBacklogJobs: must be a positive number, got 0');
  });
});

describe('changes reach the running servers', () => {
  const rolled = (config: typeof ENVIRONMENTS.prod) => {
    const monitoring = renderedFiles(config).find((f) => f.fileName === 'monitoring.k8s.yaml')!.objects as K8sObject[];
    const hash = (name: string) => findObject(monitoring, 'Deployment', name).spec.template.metadata.annotations['checksum/config'] as string;
    return { prometheus: hash('prometheus-server'), alertmanager: hash('alertmanager') };
  };
  const prod = ENVIRONMENTS.prod;
  const before = rolled(prod);

  test('a threshold change rolls Prometheus (its rule files are hashed into the pod template), not Alertmanager', () => {
    const after = rolled({ ...prod, alerting: { ...prod.alerting, thresholds: { ...prod.alerting.thresholds, errorRatePercent: prod.alerting.thresholds.errorRatePercent + 1 } } });
    expect(after.prometheus).toMatch(/^[0-9a-f]{64}$/);
    expect(after.prometheus).not.toBe(before.prometheus);
    expect(after.alertmanager).toBe(before.alertmanager);
  });

  test('a routing change rolls Alertmanager (its configuration Secret is hashed into the pod template), not Prometheus', () => {
    const after = rolled({ ...prod, alerting: { ...prod.alerting, receivers: { ...prod.alerting.receivers, chatChannel: '#other-alerts' } } });
    expect(after.alertmanager).toMatch(/^[0-9a-f]{64}$/);
    expect(after.alertmanager).not.toBe(before.alertmanager);
    expect(after.prometheus).toBe(before.prometheus);
  });
});

test('DatabaseDown inhibits the replication alerts it causes, in the same namespace', () => {
  const stacks = buildEnvironment(new App(), loadEnvironment('prod'));
  expect(stacks.alerting.routing.config.inhibit_rules).toContainEqual({
    source_matchers: ['alertname="DatabaseDown"'],
    target_matchers: ['alertname=~"MySQLReplicationStopped|MySQLReplicationLag"'],
    equal: ['namespace'],
  });
});
