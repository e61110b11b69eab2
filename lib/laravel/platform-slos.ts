import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { checkDnsLabel, checkProps, Rules } from '../core/checks';
import { assertAt } from '../core/errors';
import { ServiceLevelObjective, SloRecordingRule } from '../alerting/service-level-objective';

/** Props of {@link PlatformSlos}. */
export interface PlatformSlosProps {
  /** Namespace the app runs in; the SLIs match its metrics. */
  readonly appNamespace: string;
}

/** Recording rules an SLO dashboard reads, per SLO. */
export interface SloDashboardSeries {
  /** SLO name (the `slo` label). */
  readonly slo: string;
  /** Objective as a fraction (`0.999`). */
  readonly objective: string;
  /** Compliance window (`Duration.days(30)`). */
  readonly window: Duration;
  /** Error ratio per window, shortest first. */
  readonly errorRatio: SloRecordingRule[];
  /** Remaining error budget over the compliance window. */
  readonly errorBudgetRemaining: SloRecordingRule;
}

/** Run-time checks of {@link PlatformSlosProps}, applied before anything is created. */
const PLATFORM_SLOS_RULES: Rules = { appNamespace: checkDnsLabel };

/**
 * The four SLOs of the platform ("Define SLOs"), each with recording rules and burn-rate alerts:
 * availability 99.9 % over 30 d; latency, 95 % of requests within 500 ms over 7 d (the seed's p95 target,
 * counted from the `le="0.5"` bucket so it can be budgeted); payment success 99.5 % over 30 d; order
 * processing, 95 % of orders within 30 s over 7 d.
 */
export class PlatformSlos extends Construct {
  /** Availability: share of requests not answered with a 5xx. */
  public readonly availability: ServiceLevelObjective;
  /** Latency: share of requests answered within 500 ms. */
  public readonly latency: ServiceLevelObjective;
  /** Payment success: share of payment transactions that succeed. */
  public readonly paymentSuccess: ServiceLevelObjective;
  /** Order processing: share of orders processed within 30 s. */
  public readonly orderProcessing: ServiceLevelObjective;

  constructor(scope: Construct, id: string, props: PlatformSlosProps) {
    super(scope, id);
    checkProps(this, props, PLATFORM_SLOS_RULES);
    assertAt(this, 'appNamespace', checkDnsLabel(props.appNamespace));
    const ns = `namespace="${props.appNamespace}"`;
    this.availability = new ServiceLevelObjective(this, 'Availability', {
      name: 'availability', objectivePercent: 99.9, window: Duration.days(30), team: 'platform',
      description: '99.9% of requests succeed (no 5xx) over 30 days',
      ratio: {
        good: `http_requests_total{${ns},status!~"5.."}`,
        total: `http_requests_total{${ns}}`,
        testSeries: { good: `http_requests_total{${ns},status="200"}`, bad: `http_requests_total{${ns},status="503"}` },
      },
    });
    this.latency = new ServiceLevelObjective(this, 'Latency', {
      name: 'latency_p95', objectivePercent: 95, window: Duration.days(7), team: 'platform',
      description: '95% of requests are answered within 500 ms over 7 days',
      latency: { histogram: 'http_request_duration_seconds', matchers: ns, threshold: Duration.millis(500) },
    });
    this.paymentSuccess = new ServiceLevelObjective(this, 'PaymentSuccess', {
      name: 'payment_success_rate', objectivePercent: 99.5, window: Duration.days(30), team: 'payments',
      description: '99.5% of payment transactions succeed over 30 days',
      ratio: {
        good: `payment_transactions_total{${ns},status="success"}`,
        total: `payment_transactions_total{${ns}}`,
        testSeries: { good: `payment_transactions_total{${ns},status="success"}`, bad: `payment_transactions_total{${ns},status="failed"}` },
      },
    });
    this.orderProcessing = new ServiceLevelObjective(this, 'OrderProcessing', {
      name: 'order_processing_time_p95', objectivePercent: 95, window: Duration.days(7), team: 'orders',
      description: '95% of orders are processed within 30 seconds over 7 days',
      latency: { histogram: 'order_processing_duration_seconds', matchers: ns, threshold: Duration.seconds(30) },
    });
  }

  /** Every SLO, in seed order. */
  public all(): ServiceLevelObjective[] {
    return [this.availability, this.latency, this.paymentSuccess, this.orderProcessing];
  }

  /** The recording rules an SLO dashboard plots (error ratio per window, budget remaining), per SLO. */
  public dashboardSeries(): SloDashboardSeries[] {
    return this.all().map((slo) => ({
      slo: slo.sloName,
      objective: slo.objective,
      window: slo.errorBudgetRemainingRule.window,
      errorRatio: slo.errorRatioRules,
      errorBudgetRemaining: slo.errorBudgetRemainingRule,
    }));
  }
}
