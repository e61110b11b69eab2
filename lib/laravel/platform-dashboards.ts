import { Duration } from 'cdk8s';
import { checkPositiveDuration, formatPrometheusDuration } from '../core/durations';
import { GrafanaDashboard } from '../observability/grafana-dashboard';
import { LabelKeys } from '../core/labels';
import { LARAVEL_COLOUR_LABEL } from './laravel-defaults';
import { ValidationError } from '../core/validation-error';

/**
 * One service level objective as the SLO dashboard shows it.
 *
 * The expressions are inputs, not derived here: the alerting side owns the SLO recording rules and feeds
 * their series names in; until then {@link PLACEHOLDER_SLOS} computes the same ratios from raw series.
 */
export interface SloPanelSpec {
  /** Display name (`Availability`). */
  readonly name: string;

  /** Objective as a percentage of good events (`99.9`). */
  readonly objectivePercent: number;

  /** Compliance window (`Duration.days(30)`), shown in the row and panel titles as Prometheus writes it (`30d`). */
  readonly window: Duration;

  /** PromQL: fraction of bad events over the window (0 to 1). */
  readonly errorRatioExpr: string;

  /** PromQL: fraction of the error budget left over the window (1 = untouched, below 0 = exhausted). */
  readonly budgetRemainingExpr: string;
}

/** Where the shipped dashboards find the application's series. */
export interface PlatformDashboardScope {
  /** Namespace of the application (`ecommerce`); every query filters on it. */
  readonly namespace: string;

  /** App name (`laravel`): pods are named `<app>-<colour>-...` and labelled `app: <app>`. */
  readonly appName: string;
}

/** UIDs of the shipped dashboards. */
export const DashboardUids = {
  PLATFORM: 'ecommerce-production',
  BLUE_GREEN: 'ecommerce-blue-green',
  SLO: 'ecommerce-slos',
} as const;

function matcher(labels: Record<string, string>, extra = ''): string {
  return `{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}${extra}}`;
}

/**
 * The platform's "Laravel E-Commerce Platform - Production Metrics" dashboard: its ten panels and queries, with
 * the legacy `graph` panels as `timeseries` and the yaxes labels and formats as units. The seed's
 * panel-embedded legacy alert is not carried over: alerting lives in Prometheus rules.
 */
export function platformDashboard(scope: PlatformDashboardScope): GrafanaDashboard {
  const ns = matcher({ namespace: scope.namespace });
  const ns5xx = matcher({ namespace: scope.namespace }, ',status=~"5.."');
  const app = matcher({ namespace: scope.namespace }, `,pod=~"${scope.appName}.*"`);
  const d = new GrafanaDashboard({
    uid: DashboardUids.PLATFORM,
    title: 'Laravel E-Commerce Platform - Production Metrics',
    tags: ['laravel', 'ecommerce', 'production'],
  });
  d.addRow('Traffic');
  d.addTimeseries({
    title: 'Request Rate (req/s)', unit: 'reqps', axisLabel: 'Requests/sec',
    queries: [{ expr: `rate(http_requests_total${ns}[5m])`, legendFormat: '{{method}} {{path}}' }],
  });
  d.addTimeseries({
    title: 'Response Time (p95)', unit: 's', axisLabel: 'Seconds',
    queries: [{ expr: `histogram_quantile(0.95, rate(http_request_duration_seconds_bucket${ns}[5m]))`, legendFormat: '{{method}} {{path}}' }],
  });
  d.addTimeseries({
    title: 'Error Rate (%)', unit: 'percent', axisLabel: 'Percentage',
    // The seed's panel alert fired above 1 %: shown as a threshold line instead.
    thresholds: [{ colour: 'green' }, { value: 1, colour: 'red' }],
    queries: [{ expr: `100 * (rate(http_requests_total${ns5xx}[5m]) / rate(http_requests_total${ns}[5m]))`, legendFormat: '5xx Errors' }],
  });
  d.addTimeseries({
    title: 'Database Query Count per Request', unit: 'short', axisLabel: 'Queries',
    queries: [{ expr: `rate(database_queries_per_request_sum${ns}[5m]) / rate(database_queries_per_request_count${ns}[5m])`, legendFormat: '{{path}}' }],
  });
  d.addRow('Pods');
  d.addStat({
    title: 'Active Pods', unit: 'short', width: 6,
    queries: [{ expr: `count(kube_pod_status_phase${matcher({ namespace: scope.namespace, phase: 'Running' })})`, legendFormat: 'Running Pods' }],
  });
  d.addTimeseries({
    title: 'Pod CPU Usage', unit: 'short', axisLabel: 'CPU Cores', width: 9,
    queries: [{ expr: `sum(rate(container_cpu_usage_seconds_total${app}[5m])) by (pod)`, legendFormat: '{{pod}}' }],
  });
  d.addTimeseries({
    title: 'Pod Memory Usage', unit: 'bytes', axisLabel: 'Bytes', width: 9,
    queries: [{ expr: `sum(container_memory_usage_bytes${app}) by (pod)`, legendFormat: '{{pod}}' }],
  });
  d.addRow('Redis and queues');
  d.addTimeseries({
    title: 'Redis Operations Rate', unit: 'ops', width: 9,
    queries: [{ expr: `rate(redis_commands_processed_total${ns}[5m])`, legendFormat: 'Commands/sec' }],
  });
  d.addTimeseries({
    title: 'Queue Job Processing Rate', unit: 'ops', width: 9,
    queries: [{ expr: `rate(queue_jobs_processed_total${ns}[5m])`, legendFormat: '{{queue}}' }],
  });
  d.addStat({
    title: 'Failed Jobs (last hour)', unit: 'short', width: 6,
    thresholds: [{ colour: 'green' }, { value: 10, colour: 'yellow' }, { value: 100, colour: 'red' }],
    queries: [{ expr: `sum(increase(queue_jobs_failed_total${ns}[1h]))` }],
  });
  return d;
}

/**
 * Traffic and error rate of the blue/green app per colour, so a switch (and a rollback) is visible as the
 * traffic moving from one colour to the other. The colour is the pod label `environment`, copied onto the
 * series by the scrape configuration.
 */
export function blueGreenDashboard(scope: PlatformDashboardScope): GrafanaDashboard {
  const sel = matcher({ namespace: scope.namespace, [LabelKeys.APP]: scope.appName });
  const sel5xx = matcher({ namespace: scope.namespace, [LabelKeys.APP]: scope.appName }, ',status=~"5.."');
  const by = `by (${LARAVEL_COLOUR_LABEL})`;
  const d = new GrafanaDashboard({ uid: DashboardUids.BLUE_GREEN, title: 'Blue/Green - Traffic by Colour', tags: ['ecommerce', 'blue-green'] });
  d.addTimeseries({
    title: 'Requests per second by colour', unit: 'reqps', axisLabel: 'Requests/sec',
    queries: [{ expr: `sum ${by} (rate(http_requests_total${sel}[5m]))`, legendFormat: `{{${LARAVEL_COLOUR_LABEL}}}` }],
  });
  d.addTimeseries({
    title: 'Error rate by colour (%)', unit: 'percent',
    thresholds: [{ colour: 'green' }, { value: 1, colour: 'red' }],
    queries: [{
      expr: `100 * sum ${by} (rate(http_requests_total${sel5xx}[5m])) / sum ${by} (rate(http_requests_total${sel}[5m]))`,
      legendFormat: `{{${LARAVEL_COLOUR_LABEL}}}`,
    }],
  });
  d.addTimeseries({
    title: 'Response time p95 by colour', unit: 's',
    queries: [{
      expr: `histogram_quantile(0.95, sum by (le, ${LARAVEL_COLOUR_LABEL}) (rate(http_request_duration_seconds_bucket${sel}[5m])))`,
      legendFormat: `{{${LARAVEL_COLOUR_LABEL}}}`,
    }],
  });
  d.addStat({
    title: 'Ready pods by colour', unit: 'short',
    queries: [{ expr: `count by (${LARAVEL_COLOUR_LABEL}) (up${sel} == 1)`, legendFormat: `{{${LARAVEL_COLOUR_LABEL}}}` }],
  });
  return d;
}

/**
 * One row per SLO: compliance over its window against the objective, error budget left, and the error
 * ratio over time against the ratio the objective allows.
 */
export function sloDashboard(slos: readonly SloPanelSpec[]): GrafanaDashboard {
  const d = new GrafanaDashboard({ uid: DashboardUids.SLO, title: 'Service Level Objectives', tags: ['ecommerce', 'slo'], timeRange: Duration.days(7) });
  const seen = new Set<string>();
  for (const slo of slos) {
    const where = `dashboard "${DashboardUids.SLO}"`;
    if (seen.has(slo.name)) {
      throw new ValidationError(where, `slo ${JSON.stringify(slo.name)}`, 'declared twice');
    }
    seen.add(slo.name);
    if (!(slo.objectivePercent > 0 && slo.objectivePercent < 100)) {
      throw new ValidationError(where, `slo ${JSON.stringify(slo.name)}.objectivePercent`, `must be between 0 and 100 (exclusive), got ${slo.objectivePercent}`);
    }
    const objective = Number((slo.objectivePercent / 100).toPrecision(6));
    const allowed = Number((1 - objective).toPrecision(6));
    const windowProblem = checkPositiveDuration(slo.window);
    if (windowProblem !== undefined) {
      throw new ValidationError(where, `slo ${JSON.stringify(slo.name)}.window`, windowProblem);
    }
    const window = formatPrometheusDuration(slo.window);
    d.addRow(`${slo.name}: ${slo.objectivePercent}% over ${window}`);
    d.addStat({
      title: `${slo.name} compliance (${window})`, unit: 'percentunit', width: 6, min: 0, max: 1,
      thresholds: [{ colour: 'red' }, { value: objective, colour: 'green' }],
      queries: [{ expr: `1 - (${slo.errorRatioExpr})` }],
    });
    d.addStat({
      title: `${slo.name} error budget left`, unit: 'percentunit', width: 6,
      thresholds: [{ colour: 'red' }, { value: 0, colour: 'orange' }, { value: 0.25, colour: 'green' }],
      queries: [{ expr: slo.budgetRemainingExpr }],
    });
    d.addTimeseries({
      title: `${slo.name} error ratio`, unit: 'percentunit', width: 12, min: 0,
      thresholds: [{ colour: 'green' }, { value: allowed, colour: 'red' }],
      queries: [{ expr: slo.errorRatioExpr, legendFormat: 'error ratio' }],
    });
  }
  return d;
}

/**
 * The platform's four SLOs with expressions on raw series. Placeholders until the alerting side's SLO recording
 * rules are fed in: the ratios are the same, only cheaper to query once recorded.
 */
export function placeholderSlos(namespace: string): SloPanelSpec[] {
  const ns = `namespace="${namespace}"`;
  const slo = (name: string, objectivePercent: number, window: Duration, errorRatio: string): SloPanelSpec => ({
    name,
    objectivePercent,
    window,
    errorRatioExpr: errorRatio,
    budgetRemainingExpr: `1 - (${errorRatio}) / ${Number((1 - objectivePercent / 100).toPrecision(6))}`,
  });
  return [
    slo('Availability', 99.9, Duration.days(30),
      `sum(rate(http_requests_total{${ns},status=~"5.."}[30d])) / sum(rate(http_requests_total{${ns}}[30d]))`),
    // p95 <= 500 ms: at least 95 % of requests in the le="0.5" bucket.
    slo('Latency p95 500ms', 95, Duration.days(7),
      `1 - sum(rate(http_request_duration_seconds_bucket{${ns},le="0.5"}[7d])) / sum(rate(http_request_duration_seconds_count{${ns}}[7d]))`),
    slo('Payment success', 99.5, Duration.days(30),
      `sum(rate(payment_transactions_total{${ns},status="failed"}[30d])) / sum(rate(payment_transactions_total{${ns}}[30d]))`),
    // p95 <= 30 s: at least 95 % of orders in the le="30" bucket.
    slo('Order processing p95 30s', 95, Duration.days(7),
      `1 - sum(rate(order_processing_duration_seconds_bucket{${ns},le="30"}[7d])) / sum(rate(order_processing_duration_seconds_count{${ns}}[7d]))`),
  ];
}
