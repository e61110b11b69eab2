import { App, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertCatalogue, AlertRuleSpec } from '../lib/alerting/alert-catalogue';
import { RegistryOwner } from '../lib/core/registry-owner';

/** An App that owns its registries, as a platform root does. */
function ownedApp(): App {
  const app = new App();
  RegistryOwner.declare(app);
  return app;
}

const RULE: AlertRuleSpec = {
  alert: 'BackupTooOld', expr: 'time() - x > 3600', for: Duration.minutes(5), severity: 'critical', priority: 'P1', team: 'platform',
  summary: 's', description: 'd', runbook: 'backup-too-old',
};

describe('AlertCatalogue', () => {
  test('is one registry per owner, reachable from any construct beneath it', () => {
    const app = ownedApp();
    const a = new Construct(app, 'A');
    const b = new Construct(new Construct(app, 'B'), 'C');
    expect(AlertCatalogue.of(a)).toBe(AlertCatalogue.of(b));
    expect(AlertCatalogue.of(ownedApp())).not.toBe(AlertCatalogue.of(a));
  });

  test('keeps groups and rules in declaration order', () => {
    const app = ownedApp();
    const owner = new Construct(app, 'Backup');
    const catalogue = AlertCatalogue.of(app);
    catalogue.addRule(owner, { name: 'backups', interval: Duration.minutes(1) }, RULE);
    catalogue.addRule(owner, { name: 'backups' }, { ...RULE, alert: 'BackupJobFailed' });
    catalogue.addRule(owner, { name: 'app' }, { ...RULE, alert: 'HighErrorRate' });
    expect(catalogue.groups().map((g) => [g.name, g.interval?.toSeconds(), g.rules.map((r) => r.alert)])).toEqual([
      ['backups', 60, ['BackupTooOld', 'BackupJobFailed']],
      ['app', undefined, ['HighErrorRate']],
    ]);
  });

  test('rejects a duplicate alert in a group, naming both owners', () => {
    const app = ownedApp();
    AlertCatalogue.of(app).addRule(new Construct(app, 'First'), { name: 'g' }, RULE);
    expect(() => AlertCatalogue.of(app).addRule(new Construct(app, 'Second'), { name: 'g' }, RULE))
      .toThrow('[Second] alert BackupTooOld: already declared in group g by First');
  });

  test('rejects a group redeclared with another interval', () => {
    const app = ownedApp();
    const owner = new Construct(app, 'X');
    AlertCatalogue.of(app).addRule(owner, { name: 'g', interval: Duration.minutes(1) }, RULE);
    expect(() => AlertCatalogue.of(app).addRule(owner, { name: 'g', interval: Duration.minutes(5) }, { ...RULE, alert: 'Other' }))
      .toThrow('[X] alert group g: declared with interval 5m, but it already has 1m');
  });
});

describe('AlertCatalogue rule checks', () => {
  test('rejects an expression that is not PromQL, naming the owner and the alert', () => {
    const app = ownedApp();
    expect(() => AlertCatalogue.of(app).addRule(new Construct(app, 'Backup'), { name: 'g' }, { ...RULE, expr: 'sum(rate(x[5m]) > ' }))
      .toThrow('[Backup] alert BackupTooOld expr: is not valid PromQL: syntax error at character 19');
  });

  test('rejects an unclosed label matcher', () => {
    const app = ownedApp();
    expect(() => AlertCatalogue.of(app).addRule(new Construct(app, 'X'), { name: 'g' }, { ...RULE, expr: 'up{job="a" == 0' }))
      .toThrow(/^\[X\] alert BackupTooOld expr: is not valid PromQL: syntax error at character 12/);
  });

  test('rejects a non-CamelCase name, a bad for and an empty summary', () => {
    const app = ownedApp();
    const owner = new Construct(app, 'X');
    const add = (rule: Partial<AlertRuleSpec>) => () => AlertCatalogue.of(app).addRule(owner, { name: 'g' }, { ...RULE, ...rule });
    expect(add({ alert: 'backup_too_old' })).toThrow('[X] alert backup_too_old alert: must be CamelCase, got "backup_too_old"');
    expect(add({ for: '5m' as never })).toThrow('[X] alert BackupTooOld for: must be a positive Duration such as Duration.minutes(5), got "5m"');
    expect(add({ for: 300 as never })).toThrow('[X] alert BackupTooOld for: must be a positive Duration such as Duration.minutes(5), got 300');
    expect(add({ summary: ' ' })).toThrow('[X] alert BackupTooOld summary: required, got " "');
  });

  test('takes test times as Durations: a Prometheus duration string is rejected naming what was typed', () => {
    const app = ownedApp();
    const owner = new Construct(app, 'X');
    const tested = (testCase: Record<string, unknown>) => () => AlertCatalogue.of(app).addRule(owner, { name: 'g' }, {
      ...RULE, alert: 'Tested', tests: [{ name: 'down', series: [{ series: 'x', values: '0x10' }], ...testCase }],
    } as AlertRuleSpec);
    expect(tested({ firing: [{ at: '10m' }] })).toThrow('[X] rule.tests[0].firing[0].at: must be a Duration of zero or more such as Duration.minutes(10), got "10m"');
    expect(tested({ silentAt: [Duration.minutes(1), '5m'] })).toThrow('[X] rule.tests[0].silentAt[1]: must be a Duration of zero or more such as Duration.minutes(5), got "5m"');
    expect(tested({ interval: '1m' })).toThrow('[X] rule.tests[0].interval: must be a positive Duration such as Duration.minutes(1), got "1m"');
    expect(tested({ interval: Duration.seconds(0) })).toThrow('[X] rule.tests[0].interval: must be a positive Duration such as Duration.minutes(1), got 0s');
    // The first evaluation is at zero.
    expect(tested({ firing: [{ at: Duration.seconds(0) }], silentAt: [Duration.seconds(0)] })()).toMatchObject({ alert: 'Tested' });
  });

  test('takes recording-test times as Durations', () => {
    const app = ownedApp();
    const owner = new Construct(app, 'Slo');
    const recordingTest = (at: unknown, interval?: unknown) => () => AlertCatalogue.of(app).addRecordingTest(owner, { name: 'slo' }, {
      name: 'matches', series: [], interval, expectations: [{ at, expr: 'vector(1)', samples: [{ value: 1 }] }],
    } as never);
    expect(recordingTest('19h')).toThrow('[Slo] test.expectations[0].at: must be a Duration of zero or more such as Duration.hours(19), got "19h"');
    expect(recordingTest(Duration.hours(19), 60)).toThrow('[Slo] test.interval: must be a positive Duration such as Duration.minutes(1), got 60');
    expect(recordingTest(Duration.hours(19))()).toMatchObject({ name: 'matches' });
  });

  test('rejects a group name that cannot be a ConfigMap key', () => {
    const app = ownedApp();
    expect(() => AlertCatalogue.of(app).addRule(new Construct(app, 'X'), { name: 'my group' }, RULE))
      .toThrow('[X] alert group my group: name must consist of letters, digits, \'-\', \'_\' and \'.\' (it names a ConfigMap key)');
  });

  test('keeps recording rules beside alerts and rejects the same series recorded twice', () => {
    const app = ownedApp();
    const owner = new Construct(app, 'Slo');
    const catalogue = AlertCatalogue.of(app);
    catalogue.addRecordingRule(owner, { name: 'slo' }, { record: 'slo:error_ratio:rate5m', expr: 'vector(0)', labels: { slo: 'a' } });
    catalogue.addRecordingRule(owner, { name: 'slo' }, { record: 'slo:error_ratio:rate5m', expr: 'vector(0)', labels: { slo: 'b' } });
    catalogue.addRule(owner, { name: 'slo' }, RULE);
    expect(catalogue.groups()[0].recordingRules.map((r) => r.labels)).toEqual([{ slo: 'a' }, { slo: 'b' }]);
    expect(catalogue.groups()[0].rules.map((r) => r.alert)).toEqual(['BackupTooOld']);
    expect(() => catalogue.addRecordingRule(owner, { name: 'slo' }, { record: 'slo:error_ratio:rate5m', expr: 'vector(1)', labels: { slo: 'a' } }))
      .toThrow('[Slo] record slo:error_ratio:rate5m: already recorded with the same labels in group slo by Slo');
    expect(() => catalogue.addRecordingRule(owner, { name: 'slo' }, { record: 'x', expr: 'rate(' }))
      .toThrow(/^\[Slo\] record x expr: is not valid PromQL/);
  });
});
