import { Construct } from 'constructs';
import { AlertCatalogue, AlertRuleSpec } from './alert-catalogue';
import { BlueGreenApp } from './blue-green-app';
import { Decimal } from './internal/decimal';
import { checkDnsLabel } from './internal/checks';
import { assertAt, show } from './internal/errors';
import { counter, thresholdCases } from './internal/test-series';

/** Props of {@link BlueGreenAlerts}. */
export interface BlueGreenAlertsProps {
  /** The blue/green app to watch. */
  readonly app: BlueGreenApp;

  /** Namespace the app runs in. */
  readonly appNamespace: string;

  /**
   * Sustained request rate on the idle colour above which traffic is misrouted (smoke tests stay below).
   *
   * @default 1
   */
  readonly idleTrafficRequestsPerSecond?: number;

  /**
   * Share of 5xx responses of the idle colour above which it must not be switched live, in percent.
   *
   * @default 5
   */
  readonly idleErrorRatePercent?: number;
}

/**
 * Alerts about a {@link BlueGreenApp}'s colours, registered in the {@link AlertCatalogue}: the idle colour
 * receiving real traffic (a Service selector or ingress pointing at the wrong colour), and the idle colour
 * failing requests (the release waiting to be switched live is broken). They follow `liveColour`: a switch
 * re-renders them for the new idle colour.
 */
export class BlueGreenAlerts extends Construct {
  /** Registered alerts. */
  public readonly rules: AlertRuleSpec[];

  constructor(scope: Construct, id: string, props: BlueGreenAlertsProps) {
    super(scope, id);
    const trafficThreshold = props.idleTrafficRequestsPerSecond ?? 1;
    const errorPercent = props.idleErrorRatePercent ?? 5;
    assertAt(this, 'appNamespace', checkDnsLabel(props.appNamespace));
    assertAt(this, 'idleTrafficRequestsPerSecond', trafficThreshold > 0 ? undefined : `must be positive, got ${show(trafficThreshold)}`);
    assertAt(this, 'idleErrorRatePercent', errorPercent > 0 && errorPercent < 100 ? undefined : `must be between 0 and 100, got ${show(errorPercent)}`);

    const app = props.app;
    const idle = app.idleColour === 'blue' ? app.blue : app.green;
    const idleName = idle.deployment.name;
    // Pods of a Deployment are named <deployment>-<pod-template-hash>-<suffix>.
    const idlePods = `namespace="${props.appNamespace}",pod=~"${idleName}-[a-z0-9]+-[a-z0-9]+"`;
    const testPod = `namespace="${props.appNamespace}",pod="${idleName}-5d8f7c9b4-q7x2m"`;
    const errorRatio = Decimal.of(errorPercent).times(Decimal.of('0.01'));
    const labels = { app: app.appName, colour: app.idleColour };
    const group = { name: `blue-green-${app.appName}`, interval: '30s' };
    const requests = (ok: number, failed: number) => [
      counter(`http_requests_total{${testPod},status="200"}`, ok, 20),
      counter(`http_requests_total{${testPod},status="500"}`, failed, 20),
    ];
    const catalogue = AlertCatalogue.of(this);
    this.rules = [
      catalogue.addRule(this, group, {
        alert: 'BlueGreenIdleColourTraffic',
        expr: `sum(rate(http_requests_total{${idlePods}}[5m])) > ${trafficThreshold}`,
        for: '15m', severity: 'warning', priority: 'P2', team: 'platform', labels,
        summary: `Idle colour ${idleName} is serving {{ $value | humanize }} requests/s`,
        description: `${idleName} is the idle colour (live: ${app.liveColour}), yet it has served more than ${trafficThreshold} requests/s `
          + `for 15 minutes: the live Service selector or an ingress points at the wrong colour.`,
        runbook: 'blue-green-idle-traffic',
        tests: thresholdCases({
          what: 'production-like traffic on the idle colour', for: '15m', onsetSeconds: 300,
          bad: requests(60 * trafficThreshold * 2, 0), healthy: requests(60 * trafficThreshold / 2, 0),
        }),
      }),
      catalogue.addRule(this, group, {
        alert: 'BlueGreenIdleColourErrors',
        expr: `sum(rate(http_requests_total{${idlePods},status=~"5.."}[5m]))\n/\n(sum(rate(http_requests_total{${idlePods}}[5m])) > 0)\n> ${errorRatio}`,
        for: '5m', severity: 'warning', priority: 'P1', team: 'platform', labels,
        summary: `Idle colour ${idleName} fails {{ $value | humanizePercentage }} of its requests`,
        description: `${idleName} (idle) answers more than ${errorPercent}% of its smoke-test requests with 5xx: do not switch it live.`,
        runbook: 'blue-green-idle-errors',
        tests: thresholdCases({
          what: 'smoke tests failing on the idle colour', for: '5m', onsetSeconds: 60,
          bad: requests(60 * (1 - Math.min(1, errorRatio.toNumber() * 2)), 60 * Math.min(1, errorRatio.toNumber() * 2)),
          healthy: requests(60, 0),
        }),
      }),
    ];
  }
}
