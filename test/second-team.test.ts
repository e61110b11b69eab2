import { ApiObject, App, Chart, Cron, Duration, Size } from 'cdk8s';
import { Cpu, Secret } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AlertRules } from '../lib/alerting/alert-rules';
import { AlertmanagerRouting } from '../lib/alerting/alertmanager-routing';
import { BackupCronJob } from '../lib/backup/backup-cron-job';
import { RegistryOwner } from '../lib/core/registry-owner';
import { ObservabilityMode, ObservabilityStack } from '../lib/observability/observability-stack';
import { renderCharts } from '../lib/render/manifest-writer';
import { Policy } from '../lib/safety/policy';
import { BlueGreenApp } from '../lib/web/blue-green-app';
import { ENVIRONMENTS } from '../stacks/config';
import { buildEnvironment } from '../stacks/platform';

const small = { cpuRequest: Cpu.millis(100), cpuLimit: Cpu.millis(300), memoryRequest: Size.mebibytes(128), memoryLimit: Size.mebibytes(256) };

/** A second team's stack on the generic constructs, every optional prop left at its default. */
function buildStorefrontTeam(app: App): Construct {
  const root = new Construct(app, 'storefront');
  RegistryOwner.declare(root);
  const chart = new Chart(root, 'Storefront', { namespace: 'storefront', disableResourceNameHashes: true });
  const storefront = new BlueGreenApp(chart, 'Storefront', {
    name: 'storefront', imageRepository: 'ghcr.io/acme/storefront', blueImageTag: 'v2.0.0', greenImageTag: 'v2.1.0',
    liveColour: 'green', resources: small, autoscaling: { minReplicas: 2, maxReplicas: 6 }, idleReplicas: 2,
  });
  const db = Secret.fromSecretName(chart, 'DbSecret', 'storefront-db');
  const s3 = Secret.fromSecretName(chart, 'S3Secret', 'storefront-s3');
  new BackupCronJob(chart, 'Backup', {
    name: 'storefront-backup', engine: 'postgresql', schedule: Cron.schedule({ minute: '15', hour: '*/4' }),
    verificationSchedule: Cron.schedule({ minute: '0', hour: '4', weekDay: '0' }), timeZone: 'Etc/UTC', databaseName: 'storefront',
    databaseHost: { secret: db, key: 'host' }, databaseUser: { secret: db, key: 'user' }, databasePassword: { secret: db, key: 'password' },
    bucket: 'storefront-backups', region: 'eu-west-1', accessKeyId: { secret: s3, key: 'access-key-id' }, secretAccessKey: { secret: s3, key: 'secret-access-key' },
    retention: Duration.days(14), resources: small, verificationResources: small, workspaceSize: Size.gibibytes(5), scratchSize: Size.gibibytes(10),
  });
  const monitoring = new Chart(root, 'Monitoring', { namespace: 'storefront-monitoring', disableResourceNameHashes: true });
  new ObservabilityStack(monitoring, 'Observability', {
    partOf: 'storefront', mode: ObservabilityMode.standalone({ clusterNodesCidr: '10.0.0.0/16' }), apps: [{ app: storefront }],
  });
  new AlertRules(monitoring, 'Alerts', { output: 'rule-files', runbookBaseUrl: 'https://runbooks.acme.example', partOf: 'storefront' });
  new AlertmanagerRouting(monitoring, 'Routing', {
    partOf: 'storefront', receivers: { chatReceiver: 'storefront-chat', chatChannel: '#storefront-alerts' },
    credentialsSecret: Secret.fromSecretName(monitoring, 'AlertmanagerReceivers', 'alertmanager-receivers'),
  });
  return root;
}

/** `kind namespace/name` of every object under `scope`; cluster-scoped objects have no namespace. */
function identities(scope: Construct): string[] {
  return scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)
    .map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.name}`);
}

describe('a second team beside the platform in one App', () => {
  const app = new App();
  const platform = buildEnvironment(app, ENVIRONMENTS.prod);
  const team = buildStorefrontTeam(app);

  test('no object of the team has the kind, namespace and name of one of the platform\'s', () => {
    const ours = new Set(identities(platform.root));
    const theirs = identities(team);
    expect(theirs.length).toBeGreaterThan(20);
    expect(theirs.filter((id) => ours.has(id))).toEqual([]);
    expect(theirs.filter((id) => id.startsWith('ClusterRole ')).map((id) => id.split('/')[1]).sort())
      .toEqual(['storefront-monitoring-alloy', 'storefront-monitoring-kube-state-metrics', 'storefront-monitoring-prometheus-server']);
  });

  test('the team\'s own rules render, and its defaults (the PostgreSQL backup\'s postgres:16.4 too) pass the library\'s policy with no warning or waiver', () => {
    const files = renderCharts(team);
    const report = Policy.of(team).check(files);
    expect(report.findings).toEqual([]);
    expect(files.flatMap((f) => f.objects).filter((o) => (o as { kind: string }).kind === 'Secret')).toEqual([]);
    expect(files.flatMap((f) => f.objects).flatMap((o) => JSON.stringify(o).match(/"image":"postgres:[^"]*"/g) ?? [])).toContain('"image":"postgres:16.4"');
    const rules = files.flatMap((f) => f.objects).filter((o) => (o as { metadata: { name: string } }).metadata.name === 'prometheus-rules');
    expect(rules.length).toBe(1);
  });
});
