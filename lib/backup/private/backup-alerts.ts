import { Duration } from 'cdk8s';
/**
 * PromQL for the backup alerts, from kube-state-metrics series. One selector definition per CronJob; every
 * expression is built from it, so no matcher is pasted twice.
 */
import { AlertRuleSpec, AlertTestCase } from '../../alerting/alert-catalogue';

/** What the alerts need to know about one CronJob. */
export interface WatchedCronJob {
  readonly namespace: string;
  readonly name: string;
  /** Schedule as written in the CronJob, for the alert text. */
  readonly schedule: string;
  /** Longest gap between two scheduled runs, seconds. */
  readonly maxGapSeconds: number;
}

/** A duration in the largest whole unit (`6h`, `7d`, `90m`), for alert text. */
export function humanSeconds(seconds: number): string {
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60]] as const) {
    if (seconds % size === 0) {
      return `${seconds / size}${unit}`;
    }
  }
  return `${seconds}s`;
}

function cronJobSelector(job: WatchedCronJob): string {
  return `namespace="${job.namespace}", cronjob="${job.name}"`;
}

/**
 * Seconds since the CronJob last succeeded, or since it was created when it never has: the series
 * `kube_cronjob_status_last_successful_time` is absent until the first success, so a CronJob failing from
 * day one would otherwise never alert. `kube_cronjob_status_last_schedule_time` is deliberately not the
 * fallback: every failed run refreshes it, which would hide exactly the case this alert exists for.
 */
export function sinceLastSuccess(job: WatchedCronJob): string {
  const s = cronJobSelector(job);
  return `time() - (max(kube_cronjob_status_last_successful_time{${s}}) or max(kube_cronjob_created{${s}}))`;
}

/**
 * Start time of the newest failed Job owned by the CronJob, when it started after the CronJob's last
 * success: a later successful run resolves the alert, while the failed Job stays in the history for
 * its logs. Jobs created by hand from the CronJob (`kubectl create job --from=cronjob/...`) count too,
 * because they carry the same owner.
 */
export function failedSinceLastSuccess(job: WatchedCronJob): string {
  const ns = `namespace="${job.namespace}"`;
  return [
    `max(kube_job_status_start_time{${ns}}`,
    `  and on(namespace, job_name) (kube_job_failed{${ns}, condition="true"} == 1)`,
    `  and on(namespace, job_name) kube_job_owner{${ns}, owner_kind="CronJob", owner_name="${job.name}"})`,
    `> (max(kube_cronjob_status_last_successful_time{${cronJobSelector(job)}}) or vector(0))`,
  ].join('\n');
}

/** Threshold of the staleness alerts: twice the longest gap, so one missed or failed run does not page. */
export function stalenessThresholdSeconds(job: WatchedCronJob): number {
  return 2 * job.maxGapSeconds;
}

/**
 * promtool cases of a staleness alert. promtool evaluates from time 0, so an old success is a negative
 * timestamp: no need to feed days of samples to reach the threshold.
 */
function stalenessTests(job: WatchedCronJob, limitSeconds: number): AlertTestCase[] {
  const s = `namespace="${job.namespace}",cronjob="${job.name}"`;
  const constant = (value: number) => `${value}+0x40`;
  return [
    {
      name: `last success ${humanSeconds(limitSeconds)} + 10m ago: pending first, firing after for`,
      series: [{ series: `kube_cronjob_status_last_successful_time{${s}}`, values: constant(-(limitSeconds + 600)) }],
      silentAt: [Duration.minutes(5)],
      firing: [{ at: Duration.minutes(15) }],
    },
    {
      name: 'never succeeded, created long ago: fires from the creation time',
      series: [{ series: `kube_cronjob_created{${s}}`, values: constant(-(limitSeconds + 600)) }],
      firing: [{ at: Duration.minutes(15) }],
    },
    {
      name: 'last success one hour inside the threshold: silent',
      series: [
        { series: `kube_cronjob_status_last_successful_time{${s}}`, values: constant(-(limitSeconds - 3600)) },
        { series: `kube_cronjob_created{${s}}`, values: constant(-(limitSeconds * 10)) },
      ],
      silentAt: [Duration.minutes(30)],
    },
  ];
}

/** promtool cases of a failed-Job alert: a failed run after the last success fires; a later success clears it. */
function failedJobTests(job: WatchedCronJob): AlertTestCase[] {
  const ns = `namespace="${job.namespace}"`;
  const run = `${ns},job_name="${job.name}-29000000"`;
  const failedRun = (lastSuccess: number, owner: string) => [
    { series: `kube_job_status_start_time{${run}}`, values: '1000+0x20' },
    { series: `kube_job_failed{${run},condition="true"}`, values: '1+0x20' },
    { series: `kube_job_owner{${run},owner_kind="CronJob",owner_name="${owner}",owner_is_controller="true"}`, values: '1+0x20' },
    { series: `kube_cronjob_status_last_successful_time{${ns},cronjob="${job.name}"}`, values: `${lastSuccess}+0x20` },
  ];
  return [
    { name: 'a run failed after the last success: pending, then firing', series: failedRun(500, job.name), silentAt: [Duration.minutes(0)], firing: [{ at: Duration.minutes(5) }] },
    { name: 'a later run succeeded: silent', series: failedRun(2000, job.name), silentAt: [Duration.minutes(5)] },
    { name: 'the failed run belongs to another CronJob: silent', series: failedRun(500, `${job.name}-other`), silentAt: [Duration.minutes(5)] },
  ];
}

/** The four backup alerts: backups too old, a failed backup, a failed or overdue verification. */
export function backupAlertRules(backup: WatchedCronJob, verification: WatchedCronJob, team: string): AlertRuleSpec[] {
  const backupLimit = stalenessThresholdSeconds(backup);
  const verificationLimit = stalenessThresholdSeconds(verification);
  return [
    {
      alert: 'BackupTooOld',
      expr: `${sinceLastSuccess(backup)} > ${backupLimit}`,
      // The threshold already allows one missed run; the wait only rides out a kube-state-metrics restart.
      for: Duration.minutes(10),
      severity: 'critical',
      priority: 'P1',
      team,
      summary: `No successful database backup for {{ $value | humanizeDuration }} (${backup.namespace}/${backup.name})`,
      description: `CronJob ${backup.namespace}/${backup.name} (schedule "${backup.schedule}", at most ${humanSeconds(backup.maxGapSeconds)} `
        + `between runs) has not completed a backup for more than ${humanSeconds(backupLimit)}, twice its interval. `
        + 'A restore now would lose more data than the backup schedule promises.',
      runbook: 'backup-too-old',
      tests: stalenessTests(backup, backupLimit),
    },
    {
      alert: 'BackupJobFailed',
      expr: failedSinceLastSuccess(backup),
      // A failed Job is final; the minute only absorbs scrape lag between the Job and CronJob series.
      for: Duration.minutes(1),
      severity: 'warning',
      priority: 'P2',
      team,
      summary: `The latest database backup Job of ${backup.namespace}/${backup.name} failed`,
      description: `A Job of CronJob ${backup.namespace}/${backup.name} failed after its last successful run. `
        + `Read its pod logs (kubectl logs -n ${backup.namespace} job/<job> --all-containers); BackupTooOld pages if the next runs fail too.`,
      runbook: 'backup-job-failed',
      tests: failedJobTests(backup),
    },
    {
      alert: 'BackupVerificationFailed',
      expr: failedSinceLastSuccess(verification),
      for: Duration.minutes(1),
      severity: 'critical',
      priority: 'P2',
      team,
      summary: `The newest database backup did not restore cleanly (${verification.namespace}/${verification.name})`,
      description: `The restore verification CronJob ${verification.namespace}/${verification.name} failed: the newest backup `
        + 'could not be downloaded, restored into a scratch database, or its tables and row counts differ from its manifest. '
        + 'Until this is fixed there is no proven backup to recover from.',
      runbook: 'backup-verification-failed',
      tests: failedJobTests(verification),
    },
    {
      alert: 'BackupVerificationTooOld',
      expr: `${sinceLastSuccess(verification)} > ${verificationLimit}`,
      for: Duration.minutes(10),
      severity: 'warning',
      priority: 'P3',
      team,
      summary: `No successful restore verification for {{ $value | humanizeDuration }} (${verification.namespace}/${verification.name})`,
      description: `CronJob ${verification.namespace}/${verification.name} (schedule "${verification.schedule}") has not proven a backup `
        + `restorable for more than ${humanSeconds(verificationLimit)}, twice its interval.`,
      runbook: 'backup-verification-too-old',
      tests: stalenessTests(verification, verificationLimit),
    },
  ];
}
