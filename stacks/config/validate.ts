/**
 * Checks of an environment's configuration at load.
 */
import { DATABASE_ENGINES } from '../../lib/backup/backup-cron-job';
import { checkCidr,checkDnsLabel,checkHostName,checkImageTag,checkInteger,checkLabelKey,checkLabelValue,checkNonEmpty,checkOneOf,checkReplicaBounds } from '../../lib/core/checks';
import { ContainerResourceSpec,checkResources,memoryQuantity,memoryToKibibytes } from '../../lib/core/container-resources';
import { checkCronSchedule } from '../../lib/core/cron';
import { ValidationError } from '../../lib/core/errors';
import { MYSQL_ENGINES } from '../../lib/data/mysql-cluster';
import { PLATFORM_ALERT_NAMES } from '../../lib/laravel/platform-alerts';
import { checkPinnedImage } from '../../lib/observability/monitoring-server';
import { POLICY_RULE_IDS } from '../../lib/safety/policy';
import { COLOURS } from '../../lib/web/blue-green-app';

import { validateDeliveryConfig } from './validate-delivery';
import { EnvironmentConfig,LOG_LEVELS,MONITORING_MODES,MonitoringStackConfig } from './types';

/**
 * Checks the values whose meaning the environment config defines (which environment pins images, the colour
 * and log level vocabularies, replica bounds). Constructs check their own props again for library consumers;
 * both use the same checks, so the rules cannot drift apart.
 */
export function validateEnvironment(key: string, config: EnvironmentConfig): void {
  const where = `environment ${key}`;
  const check = (field: string, problem: string | undefined) => {
    if (problem !== undefined) {
      throw new ValidationError(where, field, problem);
    }
  };
  check('name', config.name === key ? undefined : `must equal its key ${JSON.stringify(key)}, got ${JSON.stringify(config.name)}`);
  check('namespace', checkDnsLabel(config.namespace));
  check('tlsIssuer.name', checkNonEmpty(config.tlsIssuer?.name));
  validateDelivery(key, config, check);
  const web = config.web;
  check('web.appName', checkDnsLabel(web.appName));
  check('web.liveColour', checkOneOf(web.liveColour, COLOURS));
  check('web.logLevel', checkOneOf(web.logLevel, LOG_LEVELS));
  check('web.blueImageTag', checkImageTag(web.blueImageTag, config.requirePinnedImages));
  check('web.greenImageTag', checkImageTag(web.greenImageTag, config.requirePinnedImages));
  check('web.host', checkHostName(web.host));
  check('web.idleReplicas', checkInteger(web.idleReplicas, 1));
  if (web.replicas !== undefined) {
    check('web.replicas', checkInteger(web.replicas, 1));
  }
  if (web.autoscaling !== undefined) {
    check('web.autoscaling.minReplicas', checkInteger(web.autoscaling.minReplicas, 1));
    check('web.autoscaling.maxReplicas', checkInteger(web.autoscaling.maxReplicas, 1));
    check('web.autoscaling.minReplicas', checkReplicaBounds(web.autoscaling.minReplicas, web.autoscaling.maxReplicas));
  }
  const resources = checkResources(web.resources);
  if (resources !== undefined) {
    check(`web.resources.${resources.field}`, resources.problem);
  }
  check('monitoring.mode', checkOneOf(config.monitoring.mode, MONITORING_MODES));
  check('monitoring.runbookBaseUrl', /^https:\/\/[^\s]+[^/]$/.test(config.monitoring.runbookBaseUrl)
    ? undefined : `must be an https URL without a trailing slash, got ${JSON.stringify(config.monitoring.runbookBaseUrl)}`);
  const backup = config.backup;
  check('backup.engine', checkOneOf(backup.engine, DATABASE_ENGINES));
  check('backup.schedule', checkCronSchedule(backup.schedule?.expressionString));
  check('backup.verificationSchedule', checkCronSchedule(backup.verificationSchedule?.expressionString));
  check('backup.bucket', checkNonEmpty(backup.bucket));
  check('backup.region', checkNonEmpty(backup.region));
  check('backup.retentionDays', checkInteger(backup.retentionDays, 1));
  check('backup.rowCountTolerancePercent', checkInteger(backup.rowCountTolerancePercent, 0, 100));
  for (const field of ['resources', 'verificationResources'] as const) {
    const problem = checkResources(backup[field]);
    if (problem !== undefined) {
      check(`backup.${field}.${problem.field}`, problem.problem);
    }
  }
  validateMonitoringStack(config.monitoring.stack, check);
  const alerting = config.alerting;
  for (const [field, value] of Object.entries(alerting.thresholds)) {
    check(`alerting.thresholds.${field}`, typeof value === 'number' && Number.isFinite(value) && value > 0 ? undefined : `must be a positive number, got ${JSON.stringify(value)}`);
  }
  for (const name of alerting.disabledAlerts) {
    check('alerting.disabledAlerts', checkOneOf(name, PLATFORM_ALERT_NAMES));
  }
  check('alerting.colourTrafficRequestsPerSecond', alerting.colourTrafficRequestsPerSecond > 0
    ? undefined : `must be a positive number, got ${JSON.stringify(alerting.colourTrafficRequestsPerSecond)}`);
  for (const [field, value] of Object.entries(alerting.receivers)) {
    check(`alerting.receivers.${field}`, checkNonEmpty(value));
  }
  if (config.web.appDebug && config.requirePinnedImages) {
    // Pinned images mark an environment that real users or release candidates run in.
    check('web.appDebug', 'must be false where images are pinned: debug pages leak stack traces and configuration');
  }
  validateWorkloadTiers(config, check);
  validateDeliveryConfig(config, check);
}

/** Checks the workers, scheduler, MySQL, Redis and cluster autoscaler sections. */
function validateWorkloadTiers(config: EnvironmentConfig, check: (field: string, problem: string | undefined) => void): void {
  const resources = (field: string, spec: ContainerResourceSpec) => {
    const problem = checkResources(spec);
    if (problem !== undefined) {
      check(`${field}.${problem.field}`, problem.problem);
    }
  };
  const w = config.workers;
  check('workers.imageTag', checkImageTag(w.imageTag, config.requirePinnedImages));
  check('workers.jobTimeoutSeconds', checkInteger(w.jobTimeoutSeconds, 1));
  resources('workers.resources', w.resources);
  if ((w.replicas === undefined) === (w.autoscaling === undefined)) {
    check('workers.replicas', 'give exactly one of replicas and autoscaling');
  }
  if (w.autoscaling !== undefined) {
    check('workers.autoscaling.minReplicas', checkInteger(w.autoscaling.minReplicas, 1));
    check('workers.autoscaling.minReplicas', checkReplicaBounds(w.autoscaling.minReplicas, w.autoscaling.maxReplicas));
  }
  resources('scheduler.resources', config.scheduler.resources);
  const m = config.mysql;
  check('mysql.engine', checkOneOf(m.engine, MYSQL_ENGINES));
  check('mysql.replicas', checkInteger(m.replicas, 0, 9));
  check('mysql.storageClassName', checkDnsLabel(m.storageClassName));
  resources('mysql.resources', m.resources);
  if (memoryToKibibytes(m.primaryBufferPool) >= memoryToKibibytes(m.resources.memoryLimit)
    || memoryToKibibytes(m.replicaBufferPool) >= memoryToKibibytes(m.resources.memoryLimit)) {
    // The buffer pool is only part of what mysqld allocates: at the limit it would be OOM-killed.
    check('mysql.primaryBufferPool', `must be below the memory limit (${memoryQuantity(m.resources.memoryLimit)}) for primary and replicas`);
  }
  const r = config.redis;
  check('redis.storageClassName', checkDnsLabel(r.storageClassName));
  resources('redis.resources', r.resources);
  if (memoryToKibibytes(r.maxMemory) >= memoryToKibibytes(r.resources.memoryLimit)) {
    check('redis.maxMemory', `must be below the memory limit (${memoryQuantity(r.resources.memoryLimit)}), got ${memoryQuantity(r.maxMemory)}`);
  }
  if (config.clusterAutoscaler !== undefined) {
    check('clusterAutoscaler.cloudProvider', checkNonEmpty(config.clusterAutoscaler.cloudProvider));
    check('clusterAutoscaler.nodeGroupAutoDiscovery', checkNonEmpty(config.clusterAutoscaler.nodeGroupAutoDiscovery));
    resources('clusterAutoscaler.resources', config.clusterAutoscaler.resources);
  }
  validatePolicyAndNetwork(config, check);
}

function validatePolicyAndNetwork(config: EnvironmentConfig, check: (field: string, problem: string | undefined) => void): void {
  config.policy.warnings.forEach((rule, i) => check(`policy.warnings[${i}]`, checkOneOf(rule, POLICY_RULE_IDS)));
  if (config.requirePinnedImages && config.policy.warnings.length > 0) {
    check('policy.warnings', `must be empty where images are pinned: every policy finding fails synth there, got ${JSON.stringify(config.policy.warnings)}`);
  }
  for (const peer of ['ingressController', 'prometheus', 'kedaOperator'] as const) {
    const { namespaceLabels, podLabels } = config.network[peer];
    if (Object.keys(namespaceLabels).length === 0) {
      check(`network.${peer}.namespaceLabels`, 'required: at least one label of the namespace');
    }
    for (const [key, value] of Object.entries({ ...namespaceLabels, ...podLabels })) {
      check(`network.${peer}.labels.${key}`, checkLabelKey(key) ?? checkLabelValue(value));
    }
  }
  check('network.externalHttps.cidr', checkCidr(config.network.externalHttps.cidr));
  config.network.externalHttps.except.forEach((cidr, i) => check(`network.externalHttps.except[${i}]`, checkCidr(cidr)));
  check('network.clusterNodesCidr', checkCidr(config.network.clusterNodesCidr));
}

const PROMETHEUS_DURATION = /^([0-9]+(ms|s|m|h|d|w|y))+$/;

/** Checks `monitoring.stack`: every image pinned (in every environment), durations, sizes. */
function validateMonitoringStack(stack: MonitoringStackConfig, check: (field: string, problem: string | undefined) => void): void {
  for (const [name, image] of Object.entries(stack.images).sort(([a], [b]) => (a < b ? -1 : 1))) {
    check(`monitoring.stack.images.${name}`, checkPinnedImage(image));
  }
  check('monitoring.stack.prometheus.retentionTime', PROMETHEUS_DURATION.test(stack.prometheus.retentionTime)
    ? undefined : `must be a Prometheus duration such as "30d", got ${JSON.stringify(stack.prometheus.retentionTime)}`);
  const resources: Array<[string, ContainerResourceSpec]> = [
    ['prometheus.resources', stack.prometheus.resources],
    ['alertmanager.resources', stack.alertmanager.resources],
    ['grafana.resources', stack.grafana.resources],
    ['exporterResources', stack.exporterResources],
    ['kubeStateMetricsResources', stack.kubeStateMetricsResources],
    ['loki.resources', stack.loki.resources],
    ['alloyResources', stack.alloyResources],
    ['jaeger.resources', stack.jaeger.resources],
  ];
  for (const [field, spec] of resources) {
    const problem = checkResources(spec);
    if (problem !== undefined) {
      check(`monitoring.stack.${field}.${problem.field}`, problem.problem);
    }
  }
  const lokiSeconds = stack.loki.retentionPeriod.toSeconds();
  check('monitoring.stack.loki.retentionPeriod', lokiSeconds > 0 && lokiSeconds % 86400 === 0
    ? undefined : `must be a positive number of whole days, got ${lokiSeconds}s`);
  const jaeger = stack.jaeger.storage;
  if (jaeger.kind === 'memory') {
    check('monitoring.stack.jaeger.storage.maxTraces', Number.isInteger(jaeger.maxTraces) && jaeger.maxTraces > 0
      ? undefined : `must be a positive integer, got ${jaeger.maxTraces}`);
  }
  check('monitoring.stack.mysqlAddress', /^[a-z0-9.-]+:[0-9]+$/.test(stack.mysqlAddress)
    ? undefined : `must be host:port, got ${JSON.stringify(stack.mysqlAddress)}`);
  check('monitoring.stack.operatorPrometheusUrl', /^https?:\/\/[^\s]+$/.test(stack.operatorPrometheusUrl)
    ? undefined : `must be an http(s) URL, got ${JSON.stringify(stack.operatorPrometheusUrl)}`);
}

/** Checks `gitops`, `deployHooks` and `chaos`. */
function validateDelivery(key: string, config: EnvironmentConfig, check: (field: string, problem: string | undefined) => void): void {
  const g = config.gitops;
  check('gitops.repoUrl', /^(https:\/\/|ssh:\/\/|git@)[^\s]+$/.test(g.repoUrl) ? undefined : `must be an https, ssh or git@ URL, got ${JSON.stringify(g.repoUrl)}`);
  check('gitops.targetRevision', checkNonEmpty(g.targetRevision));
  // Argo CD must apply this environment's folder and nothing else.
  check('gitops.path', g.path === `dist/${key}` ? undefined : `must be "dist/${key}", got ${JSON.stringify(g.path)}`);
  check('gitops.cluster', checkDnsLabel(g.cluster));
  for (const field of ['resources', 'smokeTestResources'] as const) {
    const problem = checkResources(config.deployHooks[field]);
    if (problem !== undefined) {
      check(`deployHooks.${field}.${problem.field}`, problem.problem);
    }
  }
  check('deployHooks.smokeTestImage', checkPinnedImage(config.deployHooks.smokeTestImage));
  if (config.chaos !== undefined) {
    check('chaos.podFailureDurationSeconds', checkInteger(config.chaos.podFailureDurationSeconds, 1, 3600));
  }
}
