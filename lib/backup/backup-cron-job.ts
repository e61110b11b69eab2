import { ApiObject, Chart, Cron, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AlertCatalogue, AlertRuleSpec } from '../alerting/alert-catalogue';
import { ContainerResourceSpec, checkResources, toContainerResources } from '../core/container-resources';
import { WatchedCronJob, backupAlertRules, stalenessThresholdSeconds } from './private/backup-alerts';
import { BACKUP_SCRIPT_NAMES, BackupScriptName, backupScripts } from './private/backup-scripts';
import { assertAt, failAt, show } from '../core/errors';
import {
  checkCronObject, checkDnsLabel, isPinnedImage, checkInteger, checkLabelName, checkNonEmpty, checkOneOf, checkPort, checkProps, checkSize, checkString, checkTimeSpan, checkTimeZone, checkWholeDays, integer, oneOf, optional, Rules,
} from '../core/checks';
import { checkCronSchedule, cronGaps } from '../core/cron';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/pod-hardening';
import { LabelKeys, recommendedLabels } from '../core/labels';
import { SecretKeyReference, SecretReferences } from '../core/secret-references';
import { checkResourceSpec } from '../core/container-resources';
import { checkSecretKeyReference } from '../core/secret-references';
import { derivedName } from '../core/names';

/** Database engines a backup can dump. */
export type DatabaseEngine = 'mysql' | 'postgresql';

/** Every supported engine. */
export const DATABASE_ENGINES: readonly DatabaseEngine[] = ['mysql', 'postgresql'];

/** Image with the engine's client tools (and server, for the scratch restore), by engine. */
const DUMP_IMAGES: Record<DatabaseEngine, string> = { mysql: 'mysql:8.0.39', postgresql: 'postgres:16.4' };
const DEFAULT_PORTS: Record<DatabaseEngine, number> = { mysql: 3306, postgresql: 5432 };
/** AWS CLI v2, installed in the image: nothing is installed at run time (installing the CLI in the job at every run is slow and unpinned). */
const TRANSFER_IMAGE = 'amazon/aws-cli:2.17.36';
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** 31 February: the restore template must never run on a schedule, even if someone unsuspends it. */
const NEVER = Cron.schedule({ minute: '0', hour: '0', day: '31', month: '2' });
const SCRIPTS_PATH = '/scripts';
const WORKSPACE_PATH = '/backup';
const SCRATCH_PATH = '/scratch';

/** Props of {@link BackupCronJob}. */
export interface BackupCronJobProps {
  /**
   * Name of the backup CronJob; the other objects are named after it (`<name>-verify`, `<name>-restore`,
   * `<name>-scripts`).
   *
   * @default 'database-backup'
   */
  readonly name?: string;

  /**
   * System the backups belong to (`app.kubernetes.io/part-of`).
   *
   * @default - the name
   */
  readonly partOf?: string;

  /** Database engine: decides the dump tool (`mysqldump --single-transaction`, or `pg_dump`) and the image. */
  readonly engine: DatabaseEngine;

  /** When backups run. @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax */
  readonly schedule: Cron;

  /** When the newest backup is restored into a scratch database to prove it restores. */
  readonly verificationSchedule: Cron;

  /** IANA time zone both schedules are read in (`spec.timeZone`). */
  readonly timeZone: string;

  /** Database to dump. */
  readonly databaseName: string;

  /**
   * Port of the database server.
   *
   * @default - 3306 for MySQL, 5432 for PostgreSQL
   */
  readonly databasePort?: number;

  /** Secret key holding the database host (`db-host`). */
  readonly databaseHost: SecretKeyReference;

  /** Secret key holding the database user (`db-user`). */
  readonly databaseUser: SecretKeyReference;

  /** Secret key holding the database password (`db-password`). */
  readonly databasePassword: SecretKeyReference;

  /** S3 bucket the backups go to. */
  readonly bucket: string;

  /** Region of the bucket. */
  readonly region: string;

  /**
   * Endpoint of an S3-compatible store (`https://minio.example.com`).
   *
   * @default - AWS S3 in `region`
   */
  readonly endpoint?: string;

  /** Secret key holding the S3 access key id (seed: `s3-credentials` `access-key-id`). */
  readonly accessKeyId: SecretKeyReference;

  /** Secret key holding the S3 secret access key (seed: `s3-credentials` `secret-access-key`). */
  readonly secretAccessKey: SecretKeyReference;

  /** Backups older than this are deleted after each upload: whole days, at least one (`Duration.days(30)`). */
  readonly retention: Duration;

  /** Requests and limits of the dump, upload, fetch and restore containers. */
  readonly resources: ContainerResourceSpec;

  /** Requests and limits of the verification container, which runs a scratch database server. */
  readonly verificationResources: ContainerResourceSpec;

  /** Size limit of the `emptyDir` holding the compressed dump. */
  readonly workspaceSize: Size;

  /** Size limit of the `emptyDir` holding the scratch database of the verification. */
  readonly scratchSize: Size;

  /**
   * How far a restored table's row count may differ from the count taken just before the dump, in
   * percent (rounded up to whole rows). Writes between the count and the dump's snapshot make a
   * busy table differ slightly; 0 demands exact counts.
   *
   * @default 0
   */
  readonly rowCountTolerancePercent?: number;

  /**
   * Image with the engine's client tools and server, pinned to one release: a semantic version
   * (`mysql:8.0.39`), a `major.minor` release of PostgreSQL 10 or later (`postgres:16.4`, which names one
   * release exactly: see `TWO_COMPONENT_RELEASE_IMAGES`), or a digest. The `image-pinned` policy rule
   * accepts exactly these, so the defaults pass the policy without a waiver.
   *
   * @default - `mysql:8.0.39` or `postgres:16.4`
   */
  readonly dumpImage?: string;

  /**
   * Image with the AWS CLI, pinned.
   *
   * @default 'amazon/aws-cli:2.17.36'
   */
  readonly transferImage?: string;

  /**
   * UID and GID every container runs as (the database images' own `mysql`/`postgres` user).
   *
   * @default 999
   */
  readonly runAsUser?: number;

  /**
   * How late after its scheduled time a run may still start. cdk8s-plus defaults to 10 s, which skips a
   * run whenever the controller is briefly behind.
   *
   * @default - half the shortest gap between runs, at most 30 minutes
   */
  readonly startingDeadline?: Duration;

  /**
   * How long a backup Job may run before it is stopped; shorter than the gap between runs so a hung
   * dump cannot block the next one (`concurrencyPolicy: Forbid`).
   *
   * @default - half the shortest gap between runs, at most 2 hours
   */
  readonly activeDeadline?: Duration;

  /**
   * How long a verification Job may run.
   *
   * @default - half the shortest gap between verifications, at most 3 hours
   */
  readonly verificationActiveDeadline?: Duration;

  /**
   * Pods a failing backup Job retries with.
   *
   * @default 2
   */
  readonly backoffLimit?: number;

  /**
   * Finished Jobs each CronJob keeps, per outcome (`successfulJobsHistoryLimit`, `failedJobsHistoryLimit`).
   *
   * @default 3
   */
  readonly jobsHistoryLimit?: number;

  /**
   * Time after which a finished Job is deleted whatever created it, so Jobs started by hand from these
   * templates are cleaned up too. Long enough to read a failed run's logs.
   *
   * @default Duration.days(7)
   */
  readonly jobTtl?: Duration;

  /**
   * Team label of the alerts.
   *
   * @default 'platform'
   */
  readonly team?: string;
}

/** Run-time checks of {@link BackupCronJobProps}, applied before anything is created. */
const BACKUP_CRON_JOB_RULES: Rules = {
  name: optional(checkDnsLabel),
  partOf: optional(checkLabelName),
  engine: oneOf(DATABASE_ENGINES),
  schedule: checkCronObject,
  verificationSchedule: checkCronObject,
  timeZone: checkTimeZone,
  databaseName: checkNonEmpty,
  databasePort: optional(checkPort),
  databaseHost: checkSecretKeyReference,
  databaseUser: checkSecretKeyReference,
  databasePassword: checkSecretKeyReference,
  bucket: optional(checkString),
  region: checkNonEmpty,
  endpoint: optional(checkString),
  accessKeyId: checkSecretKeyReference,
  secretAccessKey: checkSecretKeyReference,
  retention: checkWholeDays,
  resources: checkResourceSpec,
  verificationResources: checkResourceSpec,
  workspaceSize: checkSize,
  scratchSize: checkSize,
  rowCountTolerancePercent: optional(integer(0, 100)),
  dumpImage: optional(checkString),
  transferImage: optional(checkString),
  runAsUser: optional(integer(1)),
  startingDeadline: optional((v) => checkTimeSpan(v)),
  activeDeadline: optional((v) => checkTimeSpan(v)),
  verificationActiveDeadline: optional((v) => checkTimeSpan(v)),
  backoffLimit: optional(integer(0)),
  jobsHistoryLimit: optional(integer(0)),
  jobTtl: optional((v) => checkTimeSpan(v)),
  team: optional(checkLabelName),
};

/** Props of {@link BackupCronJob.addBackupJob}. */
export interface BackupJobProps {
  /** Appended to the CronJob's name: the Job is `<name>-<suffix>`. */
  readonly suffix: string;

  /**
   * Annotations of the Job (e.g. a deploy tool's hook annotations).
   *
   * @default - none
   */
  readonly annotations?: Record<string, string>;

  /**
   * Pods a failing Job retries with.
   *
   * @default 1
   */
  readonly backoffLimit?: number;

  /**
   * How long the Job may run before it is stopped.
   *
   * @default Duration.hours(1)
   */
  readonly activeDeadline?: Duration;
}

/**
 * Database backups that are proven to restore.
 *
 * Renders, in the chart's namespace:
 * - CronJob `<name>`: an init container dumps the database into a shared `emptyDir` and checks the file
 *   (not empty, `gzip -t`, the dump tool's completion line); a container from an AWS CLI image uploads
 *   it to `s3://<bucket>/<engine>/backup-YYYYmmdd-HHMMSS.sql.gz` with server-side encryption, checks the
 *   stored size and deletes backups older than `retention`;
 * - CronJob `<name>-verify`: downloads the newest backup and restores it into a scratch database server
 *   started inside the pod, failing unless tables, columns and row counts match the backup's manifest;
 * - CronJob `<name>-restore`, suspended and scheduled never: the disaster recovery procedure, run with `kubectl create job --from=cronjob/<name>-restore`; a safety dump of the
 *   current database is uploaded before anything is dropped;
 * - ConfigMap `<name>-scripts` with the shell all of them run;
 * - alerts `BackupTooOld`, `BackupJobFailed`, `BackupVerificationFailed`, `BackupVerificationTooOld` in
 *   the {@link AlertCatalogue}, thresholds derived from the schedules.
 */
export class BackupCronJob extends Construct {
  /** The backup CronJob. */
  public readonly backup: kplus.CronJob;

  /** The restore-verification CronJob. */
  public readonly verification: kplus.CronJob;

  /** The restore template: a suspended CronJob that never runs on its own. */
  public readonly restore: kplus.CronJob;

  /** ConfigMap `<name>-scripts`. */
  public readonly scripts: kplus.ConfigMap;

  /** The alerts registered in the catalogue. */
  public readonly alerts: AlertRuleSpec[];

  /** Age of the last successful backup at which `BackupTooOld` fires (twice the longest gap between runs). */
  public readonly backupAgeThreshold: Duration;

  private readonly props: BackupCronJobProps;
  private readonly name: string;
  private readonly partOf: string;
  private readonly runAsUser: number;
  private readonly dumpImage: string;
  private readonly transferImage: string;
  private readonly jobsHistoryLimit: number;
  private readonly jobTtl: Duration;
  private readonly volumes = new Map<string, kplus.Volume>();

  constructor(scope: Construct, id: string, props: BackupCronJobProps) {
    super(scope, id);
    checkProps(this, props, BACKUP_CRON_JOB_RULES);
    this.props = props;
    this.name = props.name ?? 'database-backup';
    this.partOf = props.partOf ?? this.name;
    this.runAsUser = props.runAsUser ?? 999;
    this.transferImage = props.transferImage ?? TRANSFER_IMAGE;
    this.jobsHistoryLimit = props.jobsHistoryLimit ?? 3;
    this.jobTtl = props.jobTtl ?? Duration.days(7);
    assertAt(this, 'engine', checkOneOf(props.engine, DATABASE_ENGINES));
    this.dumpImage = props.dumpImage ?? DUMP_IMAGES[props.engine];
    this.validate();

    const backupGaps = cronGaps(props.schedule.expressionString);
    const verificationGaps = cronGaps(props.verificationSchedule.expressionString);
    const startingDeadline = props.startingDeadline ?? Duration.seconds(Math.min(1800, backupGaps.minSeconds / 2));
    const activeDeadline = props.activeDeadline ?? Duration.seconds(Math.min(7200, backupGaps.minSeconds / 2));
    const verificationStartingDeadline = props.startingDeadline ?? Duration.seconds(Math.min(1800, verificationGaps.minSeconds / 2));
    const verificationActiveDeadline = props.verificationActiveDeadline ?? Duration.seconds(Math.min(10800, verificationGaps.minSeconds / 2));
    this.checkDeadlines('activeDeadline', startingDeadline, activeDeadline, backupGaps.minSeconds);
    this.checkDeadlines('verificationActiveDeadline', verificationStartingDeadline, verificationActiveDeadline, verificationGaps.minSeconds);

    this.scripts = new kplus.ConfigMap(this, 'Scripts', {
      metadata: { name: derivedName(this.name, 'scripts'), labels: this.labels(derivedName(this.name, 'scripts')) },
      data: backupScripts(),
    });

    this.backup = this.addCronJob('Backup', this.name, {
      schedule: props.schedule,
      startingDeadline,
      activeDeadline,
      backoffLimit: props.backoffLimit ?? 2,
    });
    this.addContainer(this.backup, 'dump', 'backup.sh', { init: true, database: true });
    this.addContainer(this.backup, 'upload', 'upload.sh', { s3: true, env: { RETENTION_DAYS: String(props.retention.toDays()) } });

    this.verification = this.addCronJob('Verification', derivedName(this.name, 'verify'), {
      schedule: props.verificationSchedule,
      startingDeadline: verificationStartingDeadline,
      activeDeadline: verificationActiveDeadline,
      // One retry covers a node going away; a backup that fails to restore twice is the finding.
      backoffLimit: 1,
    });
    const tolerance = String(props.rowCountTolerancePercent ?? 0);
    this.addContainer(this.verification, 'fetch', 'fetch.sh', { init: true, s3: true, env: { RESTORE_BACKUP: 'latest' } });
    this.addContainer(this.verification, 'verify', 'verify.sh', {
      scratch: true,
      resources: props.verificationResources,
      env: { ROW_COUNT_TOLERANCE_PERCENT: tolerance, SCRATCH_DIR: SCRATCH_PATH },
    });

    this.restore = this.addCronJob('Restore', derivedName(this.name, 'restore'), {
      schedule: NEVER,
      suspend: true,
      startingDeadline: Duration.seconds(60),
      activeDeadline: Duration.hours(6),
      // Never retried automatically: a second attempt would drop the database again from a half restore.
      backoffLimit: 0,
    });
    const safety = { BACKUP_NAME_PREFIX: 'pre-restore' };
    this.addContainer(this.restore, 'safety-dump', 'backup.sh', { init: true, database: true, env: safety });
    this.addContainer(this.restore, 'safety-upload', 'upload.sh', { init: true, s3: true, env: safety });
    this.addContainer(this.restore, 'fetch', 'fetch.sh', { init: true, s3: true, env: { RESTORE_BACKUP: 'latest' } });
    // Creating a Job from this template is the confirmation the seed's script asked for interactively.
    this.addContainer(this.restore, 'restore', 'restore.sh', {
      database: true,
      env: { CONFIRM: 'RESTORE', SAFETY_DUMP: 'required', ROW_COUNT_TOLERANCE_PERCENT: tolerance },
    });

    const namespace = Chart.of(this).namespace ?? 'default';
    const watched = (job: kplus.CronJob, schedule: Cron, maxGapSeconds: number): WatchedCronJob =>
      ({ namespace, name: job.name, schedule: schedule.expressionString, maxGapSeconds });
    const backupWatch = watched(this.backup, props.schedule, backupGaps.maxSeconds);
    this.backupAgeThreshold = Duration.seconds(stalenessThresholdSeconds(backupWatch));
    const catalogue = AlertCatalogue.of(this);
    this.alerts = backupAlertRules(backupWatch, watched(this.verification, props.verificationSchedule, verificationGaps.maxSeconds), props.team ?? 'platform')
      .map((rule) => catalogue.addRule(this, { name: 'backups', interval: Duration.minutes(1) }, rule));
  }

  /**
   * Adds a one-off backup Job `<name>-<suffix>`: the backup CronJob's dump and upload, run once when the Job
   * is created (e.g. as a deploy hook before a migration). The backup lands beside the scheduled ones
   * (`backup-YYYYmmdd-HHMMSS.sql.gz`, pruned by the same retention) and the restore template restores it.
   *
   * On a first deploy the database and the scripts ConfigMap do not exist yet: when neither the scripts nor
   * the database host are there, the Job says so and succeeds without a backup (there is nothing to lose).
   * Any other failure fails the Job.
   */
  public addBackupJob(id: string, props: BackupJobProps): kplus.Job {
    assertAt(this, 'suffix', checkDnsLabel(`${this.name}-${props.suffix}`));
    const name = `${this.name}-${props.suffix}`;
    const job = new kplus.Job(this, id, {
      metadata: { name, labels: this.labels(name), annotations: props.annotations },
      podMetadata: { labels: this.labels(name) },
      backoffLimit: props.backoffLimit ?? 1,
      activeDeadline: props.activeDeadline ?? Duration.hours(1),
      restartPolicy: kplus.RestartPolicy.NEVER,
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(this.runAsUser),
    });
    ApiObject.of(job).addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
    const absent = `${WORKSPACE_PATH}/nothing-to-back-up`;
    // Only a first deploy lacks both the scripts and a resolvable database host; either one present means
    // there is data, and a missing script or an unreachable database then fails the Job (and the sync).
    const dump = [
      `if [ -e ${SCRIPTS_PATH}/backup.sh ] || getent hosts "$DB_HOST" >/dev/null 2>&1; then exec /bin/bash ${SCRIPTS_PATH}/backup.sh; fi`,
      `echo "first deploy: neither ${SCRIPTS_PATH}/backup.sh nor database host $DB_HOST exists yet, nothing to back up"`,
      `touch ${absent}`,
    ];
    this.addContainer(job, 'dump', 'backup.sh', { init: true, database: true, command: ['/bin/bash', '-c', dump.join('\n') + '\n'] });
    const upload = [`if [ -e ${absent} ]; then exit 0; fi`, `exec /bin/bash ${SCRIPTS_PATH}/upload.sh`];
    this.addContainer(job, 'upload', 'upload.sh', {
      s3: true,
      env: { RETENTION_DAYS: String(this.props.retention.toDays()) },
      command: ['/bin/bash', '-c', upload.join('\n') + '\n'],
    });
    return job;
  }

  private validate(): void {
    const p = this.props;
    assertAt(this, 'name', checkDnsLabel(this.name));
    assertAt(this, 'schedule', checkCronSchedule(p.schedule?.expressionString));
    assertAt(this, 'verificationSchedule', checkCronSchedule(p.verificationSchedule?.expressionString));
    assertAt(this, 'databaseName', checkNonEmpty(p.databaseName));
    if (p.databasePort !== undefined) {
      assertAt(this, 'databasePort', checkInteger(p.databasePort, 1, 65535));
    }
    assertAt(this, 'bucket', BUCKET_NAME.test(p.bucket ?? '')
      ? undefined : `must be an S3 bucket name (3-63 lower-case letters, digits, '.' and '-'), got ${show(p.bucket)}`);
    assertAt(this, 'region', checkNonEmpty(p.region));
    if (p.endpoint !== undefined) {
      assertAt(this, 'endpoint', /^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(p.endpoint) ? undefined : `must be an http(s) URL without a path, got ${show(p.endpoint)}`);
    }
    if (p.rowCountTolerancePercent !== undefined) {
      assertAt(this, 'rowCountTolerancePercent', checkInteger(p.rowCountTolerancePercent, 0, 100));
    }
    for (const field of ['resources', 'verificationResources'] as const) {
      const problem = checkResources(p[field]);
      if (problem !== undefined) {
        failAt(this, problem.field ? `${field}.${problem.field}` : field, problem.problem);
      }
    }
    for (const [field, image] of [['dumpImage', this.dumpImage], ['transferImage', this.transferImage]] as const) {
      // The same test as the policy's image-pinned rule, so an image accepted here passes the policy.
      assertAt(this, field, isPinnedImage(image)
        ? undefined : `must be pinned to a release (mysql:8.0.39, postgres:16.4; see TWO_COMPONENT_RELEASE_IMAGES) or a sha256 digest, got ${show(image)}`);
    }
    assertAt(this, 'runAsUser', checkInteger(this.runAsUser, 1));
    assertAt(this, 'backoffLimit', checkInteger(p.backoffLimit ?? 2, 0, 10));
    assertAt(this, 'jobsHistoryLimit', checkInteger(this.jobsHistoryLimit, 1, 100));
    assertAt(this, 'jobTtl', this.jobTtl.toSeconds() >= 3600 ? undefined : `must be at least one hour, to leave time to read a failed run's logs, got ${this.jobTtl.toSeconds()} s`);
    if (p.startingDeadline !== undefined) {
      assertAt(this, 'startingDeadline', p.startingDeadline.toSeconds() >= 10 ? undefined : `must be at least 10 s (the CronJob controller's resolution), got ${p.startingDeadline.toSeconds()} s`);
    }
  }

  private checkDeadlines(field: string, starting: Duration, active: Duration, minGapSeconds: number): void {
    const total = starting.toSeconds() + active.toSeconds();
    if (total > minGapSeconds) {
      failAt(this, field, `startingDeadline (${starting.toSeconds()} s) plus the active deadline (${active.toSeconds()} s) `
        + `must fit in the shortest gap between runs (${minGapSeconds} s), or a late, slow run blocks the next one`);
    }
  }

  private labels(instance: string): Record<string, string> {
    return { ...recommendedLabels({ name: this.name, instance, component: 'backup', partOf: this.partOf }), [LabelKeys.APP]: this.name };
  }

  private addCronJob(id: string, name: string, spec: {
    schedule: Cron; startingDeadline: Duration; activeDeadline: Duration; backoffLimit: number; suspend?: boolean;
  }): kplus.CronJob {
    const job = new kplus.CronJob(this, id, {
      metadata: { name, labels: this.labels(name) },
      podMetadata: { labels: this.labels(name) },
      schedule: spec.schedule,
      timeZone: this.props.timeZone,
      suspend: spec.suspend ?? false,
      // A backup must never overlap the previous one (two dumps double the load on the primary, and
      // retention could race the upload).
      concurrencyPolicy: kplus.ConcurrencyPolicy.FORBID,
      startingDeadline: spec.startingDeadline,
      activeDeadline: spec.activeDeadline,
      backoffLimit: spec.backoffLimit,
      successfulJobsRetained: this.jobsHistoryLimit,
      failedJobsRetained: this.jobsHistoryLimit,
      // Never: a failed pod stays for its logs, and backoffLimit counts pods instead of in-place restarts.
      restartPolicy: kplus.RestartPolicy.NEVER,
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(this.runAsUser),
      select: false,
    });
    const obj = ApiObject.of(job);
    // cdk8s-plus refuses a TTL next to history limits; both are wanted: the limits keep recent Jobs of
    // the schedule, the TTL removes Jobs created by hand from the template (which no limit counts).
    obj.addJsonPatch(JsonPatch.add('/spec/jobTemplate/spec/ttlSecondsAfterFinished', this.jobTtl.toSeconds()));
    obj.addJsonPatch(JsonPatch.remove('/spec/jobTemplate/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
    return job;
  }

  private addContainer(job: kplus.CronJob | kplus.Job, name: string, script: BackupScriptName, options: {
    init?: boolean; database?: boolean; s3?: boolean; scratch?: boolean;
    env?: Record<string, string>; resources?: ContainerResourceSpec; command?: string[];
  }): void {
    const p = this.props;
    const transfer = options.s3 === true;
    const env: Record<string, kplus.EnvValue> = {
      DB_ENGINE: kplus.EnvValue.fromValue(p.engine),
      BACKUP_DIR: kplus.EnvValue.fromValue(WORKSPACE_PATH),
      TMPDIR: kplus.EnvValue.fromValue('/tmp'),
      HOME: kplus.EnvValue.fromValue('/tmp'),
    };
    if (options.database === true) {
      env.DB_HOST = this.secretEnv(p.databaseHost);
      env.DB_PORT = kplus.EnvValue.fromValue(String(p.databasePort ?? DEFAULT_PORTS[p.engine]));
      env.DB_USER = this.secretEnv(p.databaseUser);
      env.DB_PASSWORD = this.secretEnv(p.databasePassword);
      env.DB_NAME = kplus.EnvValue.fromValue(p.databaseName);
    }
    if (transfer) {
      env.S3_BUCKET = kplus.EnvValue.fromValue(p.bucket);
      env.AWS_REGION = kplus.EnvValue.fromValue(p.region);
      if (p.endpoint !== undefined) {
        env.S3_ENDPOINT = kplus.EnvValue.fromValue(p.endpoint);
      }
      env.AWS_ACCESS_KEY_ID = this.secretEnv(p.accessKeyId);
      env.AWS_SECRET_ACCESS_KEY = this.secretEnv(p.secretAccessKey);
    }
    for (const [key, value] of Object.entries(options.env ?? {})) {
      env[key] = kplus.EnvValue.fromValue(value);
    }
    const mounts: kplus.VolumeMount[] = [
      { path: SCRIPTS_PATH, volume: this.volume(job, 'scripts'), readOnly: true },
      { path: WORKSPACE_PATH, volume: this.volume(job, 'workspace') },
      { path: '/tmp', volume: this.volume(job, 'tmp') },
    ];
    if (options.scratch === true) {
      mounts.push({ path: SCRATCH_PATH, volume: this.volume(job, 'scratch') });
    }
    const container: kplus.ContainerProps = {
      name,
      image: transfer ? this.transferImage : this.dumpImage,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: options.command ?? ['/bin/bash', `${SCRIPTS_PATH}/${script}`],
      envVariables: Object.fromEntries(Object.entries(env).sort(([a], [b]) => (a < b ? -1 : 1))),
      resources: toContainerResources(options.resources ?? p.resources),
      securityContext: restrictedContainerSecurityContext(this.runAsUser),
      volumeMounts: mounts,
    };
    if (options.init === true) {
      job.addInitContainer(container);
    } else {
      job.addContainer(container);
    }
  }

  private secretEnv(ref: SecretKeyReference): kplus.EnvValue {
    SecretReferences.of(this).recordKey(this, ref.secret, ref.key);
    return kplus.EnvValue.fromSecretValue({ secret: ref.secret, key: ref.key });
  }

  /** One volume per pod and purpose, created on first use. */
  private volume(job: kplus.CronJob | kplus.Job, purpose: 'scripts' | 'workspace' | 'tmp' | 'scratch'): kplus.Volume {
    const key = `${job.node.id}/${purpose}`;
    let volume = this.volumes.get(key);
    if (volume === undefined) {
      const id = `${job.node.id}${purpose[0].toUpperCase()}${purpose.slice(1)}Volume`;
      const sizes = { workspace: this.props.workspaceSize, scratch: this.props.scratchSize, tmp: Size.mebibytes(64) };
      volume = purpose === 'scripts'
        // A one-off Job may run before the ConfigMap exists (a deploy hook on a first deploy): it checks itself.
        ? kplus.Volume.fromConfigMap(this, id, this.scripts, { name: 'scripts', defaultMode: 0o444, optional: job instanceof kplus.Job ? true : undefined })
        : kplus.Volume.fromEmptyDir(this, id, purpose, { sizeLimit: sizes[purpose] });
      this.volumes.set(key, volume);
    }
    return volume;
  }
}

/** The scripts' ConfigMap keys, for readers of the rendered ConfigMap. */
export const BACKUP_SCRIPTS: readonly BackupScriptName[] = BACKUP_SCRIPT_NAMES;
