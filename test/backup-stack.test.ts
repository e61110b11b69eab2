import { App, Cron, Duration } from 'cdk8s';
import { AlertCatalogue } from '../lib/alerting/alert-catalogue';
import { ENVIRONMENTS, EnvironmentConfig, EnvironmentName, loadEnvironment } from '../stacks/config';
import { buildEnvironment } from '../stacks/platform';
import { renderedFiles } from './environment-helpers';
import { findObject } from './helpers';

function withBackup(name: EnvironmentName, backup: Partial<EnvironmentConfig['backup']>): EnvironmentConfig {
  const base = ENVIRONMENTS[name];
  return { ...base, backup: { ...base.backup, ...backup } };
}

describe.each(['staging', 'prod'] as EnvironmentName[])('%s backups', (name) => {
  const config = ENVIRONMENTS[name];
  const file = renderedFiles(config).find((f) => f.fileName === 'backup.k8s.yaml')!;

  test('renders the seed\'s CronJob database-backup in ecommerce with the configured schedule and bucket', () => {
    const objects = file.objects as never[];
    const job = findObject(objects, 'CronJob', 'database-backup');
    expect(job.metadata.namespace).toBe('ecommerce');
    expect(job.spec.schedule).toBe(config.backup.schedule.expressionString);
    expect(findObject(objects, 'CronJob', 'database-backup-verify').spec.schedule).toBe(config.backup.verificationSchedule.expressionString);
    const upload = job.spec.jobTemplate.spec.template.spec.containers[0];
    expect(upload.env).toContainEqual({ name: 'S3_BUCKET', value: config.backup.bucket });
    expect(upload.env).toContainEqual({ name: 'RETENTION_DAYS', value: String(config.backup.retention.toDays()) });
    expect(file.objects.map((o) => `${o.kind}/${(o.metadata as { name: string }).name}`)).toEqual([
      'ConfigMap/database-backup-scripts', 'CronJob/database-backup', 'CronJob/database-backup-verify', 'CronJob/database-backup-restore',
      // Prod backs up before every sync (and so before the migration hook).
      ...(config.backup.preSyncBackup ? ['Job/database-backup-pre-release'] : []),
    ]);
    if (config.backup.preSyncBackup) {
      expect(findObject(objects, 'Job', 'database-backup-pre-release').metadata.annotations?.['argocd.argoproj.io/hook']).toBe('PreSync');
    }
  });

  test('records the seed\'s Secret keys and registers the backup alerts', () => {
    const env = buildEnvironment(new App(), config);
    const refs = env.secrets.list().filter((r) => r.referencedBy.some((p) => p.startsWith(`${name}/Backup/`)));
    // The web tier reads other keys of laravel-secrets too; the backup's must be among them.
    expect(refs.map((r) => [r.namespace, r.name])).toEqual([['ecommerce', 'laravel-secrets'], ['ecommerce', 's3-credentials']]);
    expect(refs[0].keys).toEqual(expect.arrayContaining(['db-host', 'db-password', 'db-user']));
    expect(refs[1].keys).toEqual(expect.arrayContaining(['access-key-id', 'secret-access-key']));
    const group = AlertCatalogue.of(env.root).groups().find((g) => g.name === 'backups');
    expect(group?.rules.map((r) => r.alert)).toEqual(['BackupTooOld', 'BackupJobFailed', 'BackupVerificationFailed', 'BackupVerificationTooOld']);
  });
});

describe('backup configuration', () => {
  test('prod backs up every 6 hours as the seed, staging daily, both verified weekly', () => {
    expect(ENVIRONMENTS.prod.backup.schedule.expressionString).toBe('0 */6 * * *');
    expect(ENVIRONMENTS.staging.backup.schedule.expressionString).toBe('0 2 * * *');
    expect(ENVIRONMENTS.prod.backup.verificationSchedule.expressionString).toBe('30 3 * * 0');
    expect(ENVIRONMENTS.prod.backup).toMatchObject({ bucket: 'ecommerce-backups', region: 'us-east-1', engine: 'mysql' });
    expect(ENVIRONMENTS.prod.backup.retention.toDays()).toBe(30);
  });

  test('dev has backups off: no backup chart, no backup alerts', () => {
    expect(renderedFiles(ENVIRONMENTS.dev).map((f) => f.fileName)).not.toContain('backup.k8s.yaml');
    const env = buildEnvironment(new App(), ENVIRONMENTS.dev);
    expect(env.backup).toBeUndefined();
    expect(AlertCatalogue.of(env.root).groups().map((g) => g.name)).not.toContain('backups');
  });

  test('switching dev on renders its in-cluster S3 endpoint', () => {
    const files = renderedFiles(withBackup('dev', { enabled: true }));
    const job = findObject(files.find((f) => f.fileName === 'backup.k8s.yaml')!.objects as never[], 'CronJob', 'database-backup');
    expect(job.spec.jobTemplate.spec.template.spec.containers[0].env)
      .toContainEqual({ name: 'S3_ENDPOINT', value: 'http://minio.storage.svc.cluster.local:9000' });
  });

  test.each([
    [{ schedule: Cron.schedule({ minute: '0', hour: '25' }) }, '[environment prod] backup.schedule: hour 25 is outside 0-23, got "0 25 * * *"'],
    [{ engine: 'mongodb' as never }, '[environment prod] backup.engine: must be one of "mysql", "postgresql", got "mongodb"'],
    [{ retention: Duration.days(0) }, '[environment prod] backup.retention: must be a whole number of days, at least one, got Duration 0 days'],
    [{ retention: 30 as never }, '[environment prod] backup.retention: must be a Duration of whole days such as Duration.days(30), got 30'],
    [{ bucket: '' }, '[environment prod] backup.bucket: required, got ""'],
  ])('rejects %p when the environment loads', (backup, message) => {
    expect(() => loadEnvironment('prod', { prod: withBackup('prod', backup) })).toThrow(message);
  });
});
