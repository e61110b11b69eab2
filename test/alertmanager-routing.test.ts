import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as kplus from 'cdk8s-plus-28';
import * as YAML from 'yaml';
import { AlertmanagerReceivers, AlertmanagerRouting } from '../lib/alerting/alertmanager-routing';
import { SecretReferences } from '../lib/core/secret-references';
import { renderCharts } from '../lib/render/manifest-writer';
import { Policy } from '../lib/safety/policy';
import { findObject, synthChart, testChart } from './helpers';

const RECEIVERS: AlertmanagerReceivers = {
  pagerReceiver: 'team-pagerduty', chatReceiver: 'team-slack', chatChannel: '#production-alerts', emailReceiver: 'team-email',
  emailTo: 'alerts@example.com', emailFrom: 'am@example.com', smtpSmarthost: 'smtp.example.com:587', smtpUsername: 'am',
  deadMansSwitchReceiver: 'deadmans-switch', deadMansSwitchUrl: 'https://hc.example.com/ping/x',
};

function build(props: Partial<ConstructorParameters<typeof AlertmanagerRouting>[2]> = {}) {
  const chart = testChart();
  const routing = new AlertmanagerRouting(chart, 'Alertmanager', {
    receivers: RECEIVERS, partOf: 'ecommerce', credentialsSecret: kplus.Secret.fromSecretName(chart, 'Creds', 'alertmanager-receivers'), ...props,
  });
  return { chart, routing };
}

describe('AlertmanagerRouting', () => {
  test('renders ConfigMap alertmanager-config whose alertmanager.yml is the config, read back identically, and no Secret', () => {
    const { chart, routing } = build();
    const objects = synthChart(chart);
    const configMap = findObject(objects, 'ConfigMap', 'alertmanager-config');
    expect(Object.keys(configMap.data)).toEqual(['alertmanager.yml']);
    expect(YAML.parse(configMap.data['alertmanager.yml'])).toEqual(routing.config);
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect([routing.configMap?.name, routing.secret]).toEqual(['alertmanager-config', undefined]);
  });

  test('passes the library\'s policy with no waiver', () => {
    const { chart } = build();
    const report = Policy.of(chart).check(renderCharts(chart));
    expect(report.findings.filter((f) => f.rule === 'secret-literal-data' || f.status === 'waived')).toEqual([]);
  });

  test('renders a Secret under another name and key for the Prometheus Operator (output secret)', () => {
    const { chart, routing } = build({ output: 'secret', name: 'team-alertmanager', configKey: 'alertmanager.yaml' });
    const objects = synthChart(chart);
    const secret = findObject(objects, 'Secret', 'team-alertmanager');
    expect(YAML.parse(secret.stringData['alertmanager.yaml'])).toEqual(routing.config);
    expect(objects.filter((o) => o.kind === 'ConfigMap')).toEqual([]);
    expect(() => build({ output: 'configmap' as never })).toThrow('[test/Alertmanager] output: must be one of');
  });

  test('amtool accepts every receiver alone and all together, each credential read from a *_file field', () => {
    const subsets: AlertmanagerReceivers[] = [
      { pagerReceiver: 'p' },
      { chatReceiver: 'c', chatChannel: '#a' },
      { emailReceiver: 'e', emailTo: 'a@example.com', emailFrom: 'b@example.com', smtpSmarthost: 'smtp.example.com:587', smtpUsername: 'am' },
      { deadMansSwitchReceiver: 'd', deadMansSwitchUrl: 'https://hc.example.com/ping/x' },
      RECEIVERS,
    ];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtool-'));
    try {
      const files = subsets.map((receivers, i) => {
        fs.writeFileSync(path.join(dir, `am-${i}.yml`), build({ receivers }).routing.configYaml);
        return `am-${i}.yml`;
      });
      expect(files).toHaveLength(5);
      // One run over every file: amtool checks each and fails when any is invalid.
      const out = execFileSync('amtool', ['check-config', ...files], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
      expect(out.match(/SUCCESS/g)).toHaveLength(5);
      expect(fs.readFileSync(path.join(dir, 'am-4.yml'), 'utf8')).toMatch(/routing_key_file:[^]*api_url_file:[^]*auth_password_file:[^]*credentials_file:/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('routes critical to the pager and on to chat, warning to chat, info to e-mail, Watchdog to the switch first', () => {
    const route = build().routing.config.route as { routes: Array<Record<string, unknown>>; receiver: string; group_by: string[] };
    expect(route.group_by).toEqual(['alertname', 'cluster', 'service']);
    expect(route.routes.map((r) => [r.receiver, r.matchers, r.continue])).toEqual([
      ['deadmans-switch', ['alertname="Watchdog"'], undefined],
      ['team-pagerduty', ['severity="critical"'], true],
      ['team-slack', ['severity=~"critical|warning"'], undefined],
      ['team-email', ['severity="info"'], undefined],
    ]);
    expect(route).toMatchObject({ group_wait: '10s', group_interval: '10s', repeat_interval: '12h', receiver: 'team-slack' });
  });

  test('inhibits slower burns of the same SLO, and nothing by severity alone', () => {
    expect(build().routing.config.inhibit_rules).toEqual([
      { source_matchers: ['slo=~".+"', 'long_window="1h"'], target_matchers: ['slo=~".+"', 'long_window=~"6h|1d|3d"'], equal: ['slo'] },
      { source_matchers: ['slo=~".+"', 'long_window="6h"'], target_matchers: ['slo=~".+"', 'long_window=~"1d|3d"'], equal: ['slo'] },
      { source_matchers: ['slo=~".+"', 'long_window="1d"'], target_matchers: ['slo=~".+"', 'long_window=~"3d"'], equal: ['slo'] },
    ]);
  });

  test('holds no credential: every secret is a file under the mount path, and each key is recorded', () => {
    const { chart, routing } = build({ credentialsPath: '/etc/alertmanager/secrets/alertmanager-receivers' });
    const text = routing.configYaml;
    expect(text).not.toMatch(/service_key|api_url:|routing_key:|auth_password:|YOUR_/);
    const files = [...text.matchAll(/_file: (\S+)/g)].map((m) => m[1]).sort();
    expect(files).toEqual([
      '/etc/alertmanager/secrets/alertmanager-receivers/deadmans-switch-token',
      '/etc/alertmanager/secrets/alertmanager-receivers/pagerduty-routing-key',
      '/etc/alertmanager/secrets/alertmanager-receivers/slack-webhook-url',
      '/etc/alertmanager/secrets/alertmanager-receivers/smtp-password',
    ]);
    expect(SecretReferences.of(chart).list()).toEqual([{
      namespace: 'ecommerce', name: 'alertmanager-receivers', wholeSecret: false, referencedBy: ['test/Alertmanager'],
      keys: ['deadmans-switch-token', 'pagerduty-routing-key', 'slack-webhook-url', 'smtp-password'],
    }]);
  });

  test('rejects duplicate receiver names and a smarthost without port', () => {
    expect(() => build({ receivers: { ...RECEIVERS, emailReceiver: 'team-slack' } }))
      .toThrow('[test/Alertmanager] receivers: receiver names must be distinct, got ["team-pagerduty","team-slack","team-slack","deadmans-switch"]');
    expect(() => build({ receivers: { ...RECEIVERS, smtpSmarthost: 'smtp.example.com' } }))
      .toThrow('[test/Alertmanager] receivers.smtpSmarthost: must be host:port, got "smtp.example.com"');
  });

  test('with only a chat receiver, renders that receiver and a discard one, and every alert reaches exactly its receiver (amtool)', () => {
    const { chart, routing } = build({ receivers: { chatReceiver: 'team-chat', chatChannel: '#alerts' } });
    const receivers = routing.config.receivers as Array<{ name: string }>;
    expect(receivers.map((r) => r.name)).toEqual(['team-chat', 'discard']);
    expect(receivers[1]).toEqual({ name: 'discard' });
    expect(routing.routeExpectations.length).toBeGreaterThan(0);
    expect(routing.routeExpectations.map((e) => [e.labels.alertname, e.receivers])).toEqual([
      ['AnyCritical', ['team-chat']], ['AnyWarning', ['team-chat']], ['AnyInfo', ['team-chat']], ['Watchdog', ['discard']], ['SomethingWithoutSeverity', ['team-chat']],
    ]);
    expect(SecretReferences.of(chart).list()[0].keys).toEqual(['slack-webhook-url']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'amtool-'));
    try {
      fs.writeFileSync(path.join(dir, 'alertmanager.yml'), routing.configYaml);
      execFileSync('amtool', ['check-config', 'alertmanager.yml'], { cwd: dir, stdio: 'pipe' });
      for (const e of routing.routeExpectations) {
        const labels = Object.entries(e.labels).map(([k, v]) => `${k}=${v}`);
        execFileSync('amtool', ['config', 'routes', 'test', '--config.file=alertmanager.yml', `--verify.receivers=${e.receivers.join(',')}`, ...labels], { cwd: dir, stdio: 'pipe' });
      }
      // The check can fail: a wrong receiver is reported.
      expect(() => execFileSync('amtool', ['config', 'routes', 'test', '--config.file=alertmanager.yml', '--verify.receivers=discard', 'severity=warning'], { cwd: dir, stdio: 'pipe' })).toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('without chat, a critical alert pages alone and warnings fall back to the root (e-mail)', () => {
    const { routing } = build({ receivers: { ...RECEIVERS, chatReceiver: undefined, chatChannel: undefined } });
    const route = routing.config.route as { routes: Array<Record<string, unknown>>; receiver: string };
    expect(route.receiver).toBe('team-email');
    expect(route.routes.map((r) => [r.receiver, r.continue])).toEqual([['deadmans-switch', undefined], ['team-pagerduty', undefined], ['team-email', undefined]]);
    expect(routing.routeExpectations.find((e) => e.labels.alertname === 'AnyWarning')!.receivers).toEqual(['team-email']);
  });

  test('fails with one line when no receiver is given, or a channel misses a setting', () => {
    expect(() => build({ receivers: {} }))
      .toThrow('[test/Alertmanager] receivers: must name at least one receiver (pagerReceiver, chatReceiver, emailReceiver or deadMansSwitchReceiver), got none');
    expect(() => build({ receivers: { chatReceiver: 'team-chat' } }))
      .toThrow('[test/Alertmanager] receivers.chatChannel: must be set when chatReceiver is');
    expect(() => build({ receivers: { pagerReceiver: 'p', emailTo: 'a@example.com' } }))
      .toThrow('[test/Alertmanager] receivers.emailTo: is set but emailReceiver is not: set both or neither');
    expect(() => build({ receivers: { chatReceiver: 'discard', chatChannel: '#a' } }))
      .toThrow('[test/Alertmanager] receivers: receiver names must be distinct, got ["discard","discard"]');
  });
});
