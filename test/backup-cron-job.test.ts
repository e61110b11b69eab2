import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Cron, Duration, Size } from 'cdk8s';
import { formatPrometheusDuration } from '../lib/core/durations';
import * as kplus from 'cdk8s-plus-28';
import { AlertCatalogue } from '../lib/alerting/alert-catalogue';
import { BackupCronJob, BackupCronJobProps } from '../lib/backup/backup-cron-job';
import { failedSinceLastSuccess, humanSeconds, sinceLastSuccess } from '../lib/backup/private/backup-alerts';
import { backupScripts } from '../lib/backup/private/backup-scripts';
import { checkCronSchedule, cronGaps } from '../lib/core/cron';
import { SecretReferences } from '../lib/core/secret-references';
import { K8sObject, SMALL_RESOURCES, findObject, ofKind, synthChart, testChart, nonEmpty } from './helpers';

function props(overrides: Partial<BackupCronJobProps> = {}): BackupCronJobProps {
  return {
    engine: 'mysql',
    schedule: Cron.schedule({ minute: '0', hour: '*/6' }),
    verificationSchedule: Cron.schedule({ minute: '30', hour: '3', weekDay: '0' }),
    timeZone: 'Etc/UTC',
    databaseName: 'ecommerce',
    databaseHost: { secret: kplus.Secret.fromSecretName(testChart(), 'A', 'laravel-secrets'), key: 'db-host' },
    databaseUser: { secret: kplus.Secret.fromSecretName(testChart(), 'B', 'laravel-secrets'), key: 'db-user' },
    databasePassword: { secret: kplus.Secret.fromSecretName(testChart(), 'C', 'laravel-secrets'), key: 'db-password' },
    bucket: 'ecommerce-backups',
    region: 'us-east-1',
    accessKeyId: { secret: kplus.Secret.fromSecretName(testChart(), 'D', 's3-credentials'), key: 'access-key-id' },
    secretAccessKey: { secret: kplus.Secret.fromSecretName(testChart(), 'E', 's3-credentials'), key: 'secret-access-key' },
    retention: Duration.days(30),
    resources: SMALL_RESOURCES,
    verificationResources: { ...SMALL_RESOURCES, memoryRequest: Size.mebibytes(768), memoryLimit: Size.gibibytes(1) },
    workspaceSize: Size.gibibytes(2),
    scratchSize: Size.gibibytes(4),
    ...overrides,
  };
}

function render(overrides: Partial<BackupCronJobProps> = {}): { objects: K8sObject[]; backups: BackupCronJob } {
  const chart = testChart();
  const backups = new BackupCronJob(chart, 'Backup', props(overrides));
  return { objects: synthChart(chart), backups };
}

function containers(job: K8sObject): K8sObject[] {
  const spec = job.spec.jobTemplate.spec.template.spec;
  return [...(spec.initContainers ?? []), ...spec.containers];
}

function envOf(container: K8sObject): Record<string, unknown> {
  return Object.fromEntries(container.env.map((e: K8sObject) => [e.name, e.value ?? e.valueFrom.secretKeyRef]));
}

describe('BackupCronJob', () => {
  const { objects } = render();
  const backup = findObject(objects, 'CronJob', 'database-backup');
  const verify = findObject(objects, 'CronJob', 'database-backup-verify');
  const restore = findObject(objects, 'CronJob', 'database-backup-restore');

  test('matches the snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('renders the seed\'s CronJob with every scheduling field chosen on purpose', () => {
    expect(backup.metadata.namespace).toBe('ecommerce');
    expect(backup.spec).toMatchObject({
      schedule: '0 */6 * * *',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      suspend: false,
      // not cdk8s-plus' 10 s: half the 6 h gap, capped at 30 minutes
      startingDeadlineSeconds: 1800,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
    });
    expect(backup.spec.jobTemplate.spec).toMatchObject({ activeDeadlineSeconds: 7200, backoffLimit: 2, ttlSecondsAfterFinished: 604800 });
    expect(backup.spec.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
  });

  test('the dump runs first into a shared emptyDir and an AWS CLI image uploads it; nothing is installed at run time', () => {
    const spec = backup.spec.jobTemplate.spec.template.spec;
    expect(spec.initContainers.map((c: K8sObject) => [c.name, c.image, c.command])).toEqual([['dump', 'mysql:8.0.39', ['/bin/bash', '/scripts/backup.sh']]]);
    expect(spec.containers.map((c: K8sObject) => [c.name, c.image, c.command])).toEqual([['upload', 'amazon/aws-cli:2.17.36', ['/bin/bash', '/scripts/upload.sh']]]);
    expect(spec.volumes).toEqual([
      { name: 'scripts', configMap: { name: 'database-backup-scripts', defaultMode: 0o444 } },
      { name: 'workspace', emptyDir: { sizeLimit: '2048Mi' } },
      { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
    ]);
    for (const c of nonEmpty(containers(backup), 'backup container')) {
      expect(c.volumeMounts).toContainEqual({ name: 'workspace', mountPath: '/backup' });
      expect(c.imagePullPolicy).toBe('IfNotPresent');
    }
    const scripts = Object.values(findObject(objects, 'ConfigMap', 'database-backup-scripts').data).join('\n');
    expect(scripts).not.toMatch(/apt-get|yum |microdnf|pip install/);
  });

  test('each container gets only the credentials its step needs, all by secretKeyRef', () => {
    const [dump, upload] = containers(backup);
    expect(envOf(dump)).toMatchObject({
      DB_HOST: { name: 'laravel-secrets', key: 'db-host' },
      DB_USER: { name: 'laravel-secrets', key: 'db-user' },
      DB_PASSWORD: { name: 'laravel-secrets', key: 'db-password' },
      DB_NAME: 'ecommerce',
      DB_PORT: '3306',
      DB_ENGINE: 'mysql',
    });
    expect(Object.keys(envOf(dump))).not.toContain('AWS_SECRET_ACCESS_KEY');
    expect(envOf(upload)).toMatchObject({
      AWS_ACCESS_KEY_ID: { name: 's3-credentials', key: 'access-key-id' },
      AWS_SECRET_ACCESS_KEY: { name: 's3-credentials', key: 'secret-access-key' },
      S3_BUCKET: 'ecommerce-backups',
      AWS_REGION: 'us-east-1',
      RETENTION_DAYS: '30',
    });
    expect(Object.keys(envOf(upload))).not.toContain('DB_PASSWORD');
    expect(Object.keys(envOf(upload))).not.toContain('S3_ENDPOINT');
  });

  test('every variable a script requires is set on the containers that run it', () => {
    const scripts = backupScripts();
    for (const job of [backup, verify, restore]) {
      for (const c of nonEmpty(containers(job), 'container')) {
        const script = scripts[c.command[1].replace('/scripts/', '') as keyof typeof scripts];
        const required = [...script.matchAll(/^require (.+)$/gm)].flatMap((m) => m[1].split(' '));
        const missing = required.filter((v) => !Object.keys(envOf(c)).includes(v));
        expect(required.length).toBeGreaterThan(2);
        expect([job.metadata.name, c.name, missing]).toEqual([job.metadata.name, c.name, []]);
      }
    }
  });

  test('every pod meets Pod Security restricted with requests and limits', () => {
    for (const job of nonEmpty(ofKind(objects, 'CronJob'), 'CronJob')) {
      const spec = job.spec.jobTemplate.spec.template.spec;
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, fsGroup: 999 });
      expect(spec.automountServiceAccountToken).toBe(false);
      expect(job.spec.jobTemplate.spec.template.metadata.labels['cdk8s.io/metadata.addr']).toBeUndefined();
      for (const c of nonEmpty(containers(job), 'container')) {
        expect(c.securityContext).toEqual({
          allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 999, runAsGroup: 999,
          capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.resources.requests.cpu).toBeDefined();
        expect(c.resources.limits.memory).toBeDefined();
      }
    }
  });

  test('the verification restores the newest backup into a scratch server in the pod, weekly', () => {
    expect(verify.spec).toMatchObject({ schedule: '30 3 * * 0', suspend: false, concurrencyPolicy: 'Forbid' });
    expect(verify.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 1, activeDeadlineSeconds: 10800 });
    const [fetch, check] = containers(verify);
    expect([fetch.name, fetch.image, envOf(fetch).RESTORE_BACKUP]).toEqual(['fetch', 'amazon/aws-cli:2.17.36', 'latest']);
    expect([check.name, check.image, check.command[1]]).toEqual(['verify', 'mysql:8.0.39', '/scripts/verify.sh']);
    expect(check.resources.limits.memory).toBe('1024Mi');
    expect(check.volumeMounts).toContainEqual({ name: 'scratch', mountPath: '/scratch' });
    expect(Object.keys(envOf(check)).filter((k) => k.startsWith('DB_') && k !== 'DB_ENGINE')).toEqual([]);
  });

  test('the restore template is suspended, never scheduled, never retried, and uploads a safety dump first', () => {
    expect(restore.spec).toMatchObject({ suspend: true, schedule: '0 0 31 2 *' });
    expect(restore.spec.jobTemplate.spec.backoffLimit).toBe(0);
    expect(containers(restore).map((c) => c.name)).toEqual(['safety-dump', 'safety-upload', 'fetch', 'restore']);
    const [dump, upload, , main] = containers(restore);
    expect(envOf(dump).BACKUP_NAME_PREFIX).toBe('pre-restore');
    expect(envOf(upload).BACKUP_NAME_PREFIX).toBe('pre-restore');
    expect(envOf(upload).RETENTION_DAYS).toBeUndefined();
    expect(envOf(main)).toMatchObject({ CONFIRM: 'RESTORE', SAFETY_DUMP: 'required' });
  });

  test('PostgreSQL uses pg_dump\'s image and port, and S3-compatible endpoints are passed on', () => {
    const pg = render({ engine: 'postgresql', endpoint: 'http://minio.storage:9000' }).objects;
    const [dump, upload] = containers(findObject(pg, 'CronJob', 'database-backup'));
    expect([dump.image, envOf(dump).DB_PORT, envOf(dump).DB_ENGINE]).toEqual(['postgres:16.4', '5432', 'postgresql']);
    expect(envOf(upload).S3_ENDPOINT).toBe('http://minio.storage:9000');
  });

  test('records every Secret key it references', () => {
    const chart = testChart();
    new BackupCronJob(chart, 'Backup', props());
    expect(SecretReferences.of(chart).list().map((r) => [r.name, r.keys])).toEqual([
      ['laravel-secrets', ['db-host', 'db-password', 'db-user']],
      ['s3-credentials', ['access-key-id', 'secret-access-key']],
    ]);
  });
});

describe('BackupCronJob.addBackupJob', () => {
  function oneOff() {
    const chart = testChart();
    const backups = new BackupCronJob(chart, 'Backup', props({ name: 'database-backup' }));
    backups.addBackupJob('PreRelease', { suffix: 'pre-release', annotations: { 'argocd.argoproj.io/hook': 'PreSync' } });
    return synthChart(chart);
  }

  test('runs the CronJob\'s dump and upload once, with the same images, credentials and volumes', () => {
    const objects = oneOff();
    const job = findObject(objects, 'Job', 'database-backup-pre-release');
    const cron = findObject(objects, 'CronJob', 'database-backup');
    expect(job.metadata.annotations).toEqual({ 'argocd.argoproj.io/hook': 'PreSync' });
    expect(job.metadata.labels?.app).toBe('database-backup');
    const pod = job.spec.template.spec;
    const cronPod = cron.spec.jobTemplate.spec.template.spec;
    const shape = (c: K8sObject) => ({ name: c.name, image: c.image, env: c.env.map((e: { name: string }) => e.name), mounts: c.volumeMounts });
    expect(pod.initContainers.map(shape)).toEqual(cronPod.initContainers.map(shape));
    expect(pod.containers.map(shape)).toEqual(cronPod.containers.map(shape));
    expect(pod.restartPolicy).toBe('Never');
    expect(job.spec.backoffLimit).toBe(1);
    // The scripts ConfigMap does not exist yet when a hook runs before a first deploy's objects.
    expect(pod.volumes.find((v: K8sObject) => v.name === 'scripts').configMap).toEqual({ name: 'database-backup-scripts', defaultMode: 0o444, optional: true });
    expect(cronPod.volumes.find((v: K8sObject) => v.name === 'scripts').configMap.optional).toBeUndefined();
  });

  test('backs up when the scripts are there, and succeeds without a backup only when neither scripts nor database exist', () => {
    const pod = findObject(oneOff(), 'Job', 'database-backup-pre-release').spec.template.spec;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pre-release-'));
    const local = (script: string) => script.replace(/\/scripts\//g, `${dir}/scripts/`).replace(/\/backup\//g, `${dir}/backup/`);
    const run = (container: K8sObject, env: Record<string, string> = {}) =>
      spawnSync('/bin/bash', ['-c', local(container.command[2])], { encoding: 'utf8', env: { PATH: process.env.PATH, DB_HOST: 'no-such-host.invalid', ...env } });
    fs.mkdirSync(path.join(dir, 'backup'));
    const [dump, upload] = [pod.initContainers[0], pod.containers[0]];

    const first = run(dump);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('first deploy: neither');
    expect(run(upload).status).toBe(0);

    fs.rmSync(path.join(dir, 'backup', 'nothing-to-back-up'));
    fs.mkdirSync(path.join(dir, 'scripts'));
    fs.writeFileSync(path.join(dir, 'scripts', 'backup.sh'), 'echo dumped; exit 3\n');
    fs.writeFileSync(path.join(dir, 'scripts', 'upload.sh'), 'echo uploaded\n');
    const later = run(dump);
    expect([later.status, later.stdout]).toEqual([3, 'dumped\n']);
    expect(run(upload).stdout).toBe('uploaded\n');
    // The database exists but the scripts are gone: the Job fails rather than skip the backup.
    fs.rmSync(path.join(dir, 'scripts'), { recursive: true });
    expect(run(dump, { DB_HOST: 'localhost' }).status).not.toBe(0);
  });

  test('rejects a suffix that makes an invalid name', () => {
    const chart = testChart();
    const backups = new BackupCronJob(chart, 'Backup', props());
    expect(() => backups.addBackupJob('Bad', { suffix: 'Pre_Release' })).toThrow('[test/Backup] suffix: must be a DNS-1123 label');
  });
});

describe('BackupCronJob alerts', () => {
  const chart = testChart();
  const backups = new BackupCronJob(chart, 'Backup', props());
  const group = AlertCatalogue.of(chart).groups().find((g) => g.name === 'backups')!;
  const rule = (name: string) => group.rules.find((r) => r.alert === name)!;

  test('registers four Backup* alerts in group backups, evaluated every minute', () => {
    expect(group.interval?.toSeconds()).toBe(60);
    expect(group.rules.map((r) => [r.alert, r.severity, r.for && formatPrometheusDuration(r.for)])).toEqual([
      ['BackupTooOld', 'critical', '10m'],
      ['BackupJobFailed', 'warning', '1m'],
      ['BackupVerificationFailed', 'critical', '1m'],
      ['BackupVerificationTooOld', 'warning', '10m'],
    ]);
    expect(backups.alerts).toEqual(group.rules);
  });

  test('BackupTooOld fires at twice the schedule\'s longest gap, falling back to creation when never successful', () => {
    expect(backups.backupAgeThreshold.toHours()).toBe(12);
    expect(rule('BackupTooOld').expr).toBe(
      'time() - (max(kube_cronjob_status_last_successful_time{namespace="ecommerce", cronjob="database-backup"})'
      + ' or max(kube_cronjob_created{namespace="ecommerce", cronjob="database-backup"})) > 43200');
    expect(rule('BackupVerificationTooOld').expr).toMatch(/cronjob="database-backup-verify"\}\)\) > 1209600$/);
  });

  test('the threshold follows the schedule: a daily backup alerts after 2 days', () => {
    const daily = render({ schedule: Cron.schedule({ minute: '0', hour: '2' }) }).backups;
    expect(daily.backupAgeThreshold.toDays()).toBe(2);
  });

  test('BackupJobFailed only counts failed Jobs owned by the CronJob that started after its last success', () => {
    expect(rule('BackupJobFailed').expr).toBe([
      'max(kube_job_status_start_time{namespace="ecommerce"}',
      '  and on(namespace, job_name) (kube_job_failed{namespace="ecommerce", condition="true"} == 1)',
      '  and on(namespace, job_name) kube_job_owner{namespace="ecommerce", owner_kind="CronJob", owner_name="database-backup"})',
      '> (max(kube_cronjob_status_last_successful_time{namespace="ecommerce", cronjob="database-backup"}) or vector(0))',
    ].join('\n'));
    expect(rule('BackupVerificationFailed').expr).toContain('owner_name="database-backup-verify"');
  });

  test('every alert has a runbook, summary and description', () => {
    for (const r of nonEmpty(group.rules, 'backup alert')) {
      expect(r.runbook).toMatch(/^backup-[a-z-]+$/);
      expect(r.summary.length).toBeGreaterThan(10);
      expect(r.description.length).toBeGreaterThan(10);
      expect(r.team).toBe('platform');
    }
  });

  test('expression helpers take one selector per CronJob', () => {
    const job = { namespace: 'shop', name: 'db', schedule: '@daily', maxGapSeconds: 86400 };
    expect(sinceLastSuccess(job)).toBe('time() - (max(kube_cronjob_status_last_successful_time{namespace="shop", cronjob="db"}) or max(kube_cronjob_created{namespace="shop", cronjob="db"}))');
    expect(failedSinceLastSuccess(job)).toContain('owner_name="db"');
    expect([humanSeconds(21600), humanSeconds(604800), humanSeconds(5400), humanSeconds(61)]).toEqual(['6h', '7d', '90m', '61s']);
  });
});

describe('BackupCronJob validation', () => {
  const rejects = (overrides: Partial<BackupCronJobProps>, message: string) => {
    expect(() => render(overrides)).toThrow(message);
  };

  test('rejects a bad schedule', () => {
    rejects({ schedule: Cron.schedule({ minute: '75' }) }, '[test/Backup] schedule: minute 75 is outside 0-59, got "75 * * * *"');
    rejects({ schedule: Cron.schedule({ minute: '0', hour: '0', day: '31', month: '2' }) },
      '[test/Backup] schedule: never runs, or runs less than once a year, got "0 0 31 2 *"');
    rejects({ verificationSchedule: Cron.schedule({ minute: 'x' }) }, '[test/Backup] verificationSchedule: minute "x" is not a number, got "x * * * *"');
  });

  test('rejects an unknown engine', () => {
    rejects({ engine: 'oracle' as never }, '[test/Backup] engine: must be one of "mysql", "postgresql", got "oracle"');
  });

  test('rejects a retention of 0 days', () => {
    rejects({ retention: Duration.days(0) }, '[test/Backup] retention: must be a whole number of days, at least one, got Duration 0 days');
    rejects({ retention: Duration.hours(36) }, '[test/Backup] retention: must be a whole number of days, at least one, got Duration 36 hours');
    rejects({ retention: 30 as never }, '[test/Backup] retention: must be a Duration of whole days such as Duration.days(30), got 30');
  });

  test('rejects a missing or malformed bucket', () => {
    rejects({ bucket: undefined as never }, '[test/Backup] bucket: must be an S3 bucket name (3-63 lower-case letters, digits, \'.\' and \'-\'), got nothing');
    rejects({ bucket: 'Backups_Prod' }, 'got "Backups_Prod"');
  });

  test('rejects moving image tags, bad time zones, endpoints and deadlines', () => {
    rejects({ dumpImage: 'mysql:8' }, '[test/Backup] dumpImage: must be pinned to a release (mysql:8.0.39, postgres:16.4; see TWO_COMPONENT_RELEASE_IMAGES) or a sha256 digest, got "mysql:8"');
    // MySQL releases have three numbers: 8.0 moves with every 8.0.x release. PostgreSQL before 10 too.
    rejects({ dumpImage: 'mysql:8.0' }, '[test/Backup] dumpImage: must be pinned to a release');
    rejects({ engine: 'postgresql', dumpImage: 'postgres:9.6' }, '[test/Backup] dumpImage: must be pinned to a release');
    rejects({ transferImage: 'amazon/aws-cli:latest' }, '[test/Backup] transferImage: must be pinned');
    rejects({ timeZone: 'somewhere' }, '[test/Backup] timeZone: must be an IANA time zone such as "Europe/Berlin" or "UTC", got "somewhere"');
    rejects({ endpoint: 'minio:9000' }, '[test/Backup] endpoint: must be an http(s) URL without a path, got "minio:9000"');
    rejects({ startingDeadline: Duration.seconds(5) }, '[test/Backup] startingDeadline: must be at least 10 s (the CronJob controller\'s resolution), got 5 s');
    rejects({ activeDeadline: Duration.hours(6) },
      '[test/Backup] activeDeadline: startingDeadline (1800 s) plus the active deadline (21600 s) must fit in the shortest gap between runs (21600 s), or a late, slow run blocks the next one');
    rejects({ rowCountTolerancePercent: 101 }, '[test/Backup] rowCountTolerancePercent: must be an integer from 0 to 100, got 101');
    rejects({ resources: { ...SMALL_RESOURCES, cpuLimit: kplus.Cpu.millis(50) } }, '[test/Backup] resources.cpuLimit: must be at least cpuRequest (100m), got 50m');
  });
});

describe('cron schedules', () => {
  test.each([
    ['0 */6 * * *', 21600, 21600],
    ['0 2 * * *', 86400, 86400],
    ['30 3 * * 0', 604800, 604800],
    // Friday 17:00 to Monday 09:00
    ['0 9-17 * * mon-fri', 64 * 3600, 3600],
    ['@hourly', 3600, 3600],
    ['0 0 1 * *', 31 * 86400, 28 * 86400],
    // day-of-month and day-of-week both restricted: either matches (a Monday, or the 1st or 15th)
    ['0 0 1,15 * 1', 7 * 86400, 86400],
  ])('%s: longest gap %d s, shortest %d s', (expression, max, min) => {
    expect(cronGaps(expression)).toEqual({ maxSeconds: max, minSeconds: min });
  });

  test('rejects what the CronJob controller rejects', () => {
    expect(checkCronSchedule('0 */6 * *')).toBe('must have five fields (minute hour day-of-month month day-of-week) or be a macro such as @daily, got "0 */6 * *"');
    expect(checkCronSchedule('0 24 * * *')).toBe('hour 24 is outside 0-23, got "0 24 * * *"');
    expect(checkCronSchedule('0 5-2 * * *')).toBe('hour range "5-2" runs backwards, got "0 5-2 * * *"');
    expect(checkCronSchedule('0 0 * foo *')).toBe('month "foo" is not a number, got "0 0 * foo *"');
    expect(checkCronSchedule(undefined)).toBe('must be a cron expression, got nothing');
    expect(checkCronSchedule('15 3 * * sun')).toBeUndefined();
  });
});
