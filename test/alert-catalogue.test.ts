import { App } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertCatalogue, AlertRuleSpec } from '../lib/alert-catalogue';

const RULE: AlertRuleSpec = {
  alert: 'BackupTooOld', expr: 'time() - x > 3600', for: '5m', severity: 'critical', priority: 'P1', team: 'platform',
  summary: 's', description: 'd', runbook: 'backup-too-old',
};

describe('AlertCatalogue', () => {
  test('is one registry per tree, reachable from any construct', () => {
    const app = new App();
    const a = new Construct(app, 'A');
    const b = new Construct(new Construct(app, 'B'), 'C');
    expect(AlertCatalogue.of(a)).toBe(AlertCatalogue.of(b));
    expect(AlertCatalogue.of(new App())).not.toBe(AlertCatalogue.of(a));
  });

  test('keeps groups and rules in declaration order', () => {
    const app = new App();
    const owner = new Construct(app, 'Backup');
    const catalogue = AlertCatalogue.of(app);
    catalogue.addRule(owner, { name: 'backups', interval: '1m' }, RULE);
    catalogue.addRule(owner, { name: 'backups' }, { ...RULE, alert: 'BackupJobFailed' });
    catalogue.addRule(owner, { name: 'app' }, { ...RULE, alert: 'HighErrorRate' });
    expect(catalogue.groups().map((g) => [g.name, g.interval, g.rules.map((r) => r.alert)])).toEqual([
      ['backups', '1m', ['BackupTooOld', 'BackupJobFailed']],
      ['app', undefined, ['HighErrorRate']],
    ]);
  });

  test('rejects a duplicate alert in a group, naming both owners', () => {
    const app = new App();
    AlertCatalogue.of(app).addRule(new Construct(app, 'First'), { name: 'g' }, RULE);
    expect(() => AlertCatalogue.of(app).addRule(new Construct(app, 'Second'), { name: 'g' }, RULE))
      .toThrow('[Second] alert BackupTooOld: already declared in group g by First');
  });

  test('rejects a group redeclared with another interval', () => {
    const app = new App();
    const owner = new Construct(app, 'X');
    AlertCatalogue.of(app).addRule(owner, { name: 'g', interval: '1m' }, RULE);
    expect(() => AlertCatalogue.of(app).addRule(owner, { name: 'g', interval: '5m' }, { ...RULE, alert: 'Other' }))
      .toThrow('[X] alert group g: declared with interval 5m, but it already has 1m');
  });
});
