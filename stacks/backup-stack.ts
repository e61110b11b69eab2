import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { BackupCronJob } from '../lib/backup/backup-cron-job';
import { ArgoCdAnnotations } from '../lib/delivery/sync-waves';
import { LabelKeys } from '../lib/core/labels';
import { NetworkConnections, NetworkPeer } from '../lib/safety/network-connections';
import { EnvironmentConfig } from './config';

/** Props of {@link BackupStack}. */
export interface BackupStackProps {
  /** The environment to render; its `backup` section must be enabled. */
  readonly config: EnvironmentConfig;
}

/**
 * Database backups of one environment (`backup.k8s.yaml`): the backup CronJob `database-backup`, its
 * weekly restore verification, the suspended restore template and the scripts they run.
 *
 * Wiring only: every value comes from the environment configuration. The database is reached through the
 * host in `laravel-secrets` (the MySQL primary Service); credentials are the seed's Secrets, referenced.
 */
export class BackupStack extends Chart {
  /** The backup, verification and restore CronJobs. */
  public readonly backups: BackupCronJob;

  /** Job `database-backup-pre-release`: a backup as an Argo CD PreSync hook, where the environment takes one. */
  public readonly preSyncBackup?: kplus.Job;

  constructor(scope: Construct, id: string, props: BackupStackProps) {
    const { config } = props;
    super(scope, id, { namespace: config.namespace, disableResourceNameHashes: true });
    const backup = config.backup;
    const laravelSecrets = kplus.Secret.fromSecretName(this, 'LaravelSecrets', 'laravel-secrets');
    const s3Credentials = kplus.Secret.fromSecretName(this, 'S3Credentials', 's3-credentials');

    this.backups = new BackupCronJob(this, 'Database', {
      name: 'database-backup',
      partOf: config.partOf,
      engine: backup.engine,
      schedule: backup.schedule,
      verificationSchedule: backup.verificationSchedule,
      timeZone: backup.timeZone,
      databaseName: backup.databaseName,
      databaseHost: { secret: laravelSecrets, key: 'db-host' },
      databaseUser: { secret: laravelSecrets, key: 'db-user' },
      databasePassword: { secret: laravelSecrets, key: 'db-password' },
      bucket: backup.bucket,
      region: backup.region,
      endpoint: backup.endpoint,
      accessKeyId: { secret: s3Credentials, key: 'access-key-id' },
      secretAccessKey: { secret: s3Credentials, key: 'secret-access-key' },
      retention: backup.retention,
      rowCountTolerancePercent: backup.rowCountTolerancePercent,
      resources: backup.resources,
      verificationResources: backup.verificationResources,
      workspaceSize: backup.workspaceSize,
      scratchSize: backup.scratchSize,
    });

    if (backup.preSyncBackup) {
      // Before every sync, so before the migration hook: the release can be undone by restoring it (README
      // "Database backups"). PreSync runs before anything is applied; the Job copes with a first deploy.
      this.preSyncBackup = this.backups.addBackupJob('PreRelease', {
        suffix: 'pre-release',
        annotations: {
          [ArgoCdAnnotations.HOOK]: 'PreSync',
          [ArgoCdAnnotations.HOOK_DELETE_POLICY]: 'BeforeHookCreation',
        },
      });
    }

    // The backup, verification and restore pods (`app: database-backup`) dump from and restore into MySQL
    // and talk to the object store over HTTPS.
    const pods = NetworkPeer.pods(config.namespace, { [LabelKeys.APP]: 'database-backup' });
    const network = NetworkConnections.of(this);
    network.allow(this.backups, { from: pods, to: NetworkPeer.pods(config.namespace, { [LabelKeys.APP]: 'mysql' }), port: 3306, reason: 'mysqldump and restores' });
    network.allow(this.backups, { from: pods, to: NetworkPeer.cidr(config.network.externalHttps.cidr, config.network.externalHttps.except), port: 443, reason: 'backups to and from S3' });
  }
}
