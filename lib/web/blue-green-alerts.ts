import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertCatalogue, AlertRuleSpec } from '../alerting/alert-catalogue';
import { BlueGreenApp } from './blue-green-app';
import { Decimal } from '../core/decimal';
import { checkDnsLabel, checkInstance, checkPercent, checkPositive, checkProps, optional, Rules } from '../core/checks';
import { assertAt, show } from '../core/errors';
import { counter, thresholdCases } from '../alerting/test-series';

/** Props of {@link BlueGreenAlerts}. */
export interface BlueGreenAlertsProps {
  /** The blue/green app to watch. */
  readonly app: BlueGreenApp;

  /** Namespace the app runs in. */
  readonly appNamespace: string;

  /**
   * Request rate above which a colour counts as serving traffic; smoke tests of the idle colour stay
   * below it.
   *
   * @default 1
   */
  readonly trafficRequestsPerSecond?: number;

  /**
   * Share of 5xx responses of one colour above which it must not be (or stay) live, in percent.
   *
   * @default 5
   */
  readonly colourErrorRatePercent?: number;
}

/** Run-time checks of {@link BlueGreenAlertsProps}, applied before anything is created. */
const BLUE_GREEN_ALERTS_RULES: Rules = {
  app: checkInstance((v) => v instanceof BlueGreenApp, 'a BlueGreenApp'),
  appNamespace: checkDnsLabel,
  trafficRequestsPerSecond: optional(checkPositive),
  colourErrorRatePercent: optional((v) => checkPositive(v) ?? checkPercent(v)),
};

/**
 * Alerts about a {@link BlueGreenApp}'s colours, registered in the {@link AlertCatalogue}: both colours
 * serving real traffic at once (a Service selector or ingress pointing at the idle colour), and one colour
 * failing requests (the release waiting on the idle colour is broken, or the live one needs a rollback).
 *
 * The rules tell the colours apart by pod name (`<app>-<colour>-<hash>-<suffix>`) and never name the live
 * colour, so switching colours leaves them, and the rendered rule files, unchanged.
 */
export class BlueGreenAlerts extends Construct {
  /** Registered alerts. */
  public readonly rules: AlertRuleSpec[];

  constructor(scope: Construct, id: string, props: BlueGreenAlertsProps) {
    super(scope, id);
    checkProps(this, props, BLUE_GREEN_ALERTS_RULES);
    const trafficThreshold = props.trafficRequestsPerSecond ?? 1;
    const errorPercent = props.colourErrorRatePercent ?? 5;
    assertAt(this, 'appNamespace', checkDnsLabel(props.appNamespace));
    assertAt(this, 'trafficRequestsPerSecond', trafficThreshold > 0 ? undefined : `must be positive, got ${show(trafficThreshold)}`);
    assertAt(this, 'colourErrorRatePercent', errorPercent > 0 && errorPercent < 100 ? undefined : `must be between 0 and 100, got ${show(errorPercent)}`);

    const name = props.app.appName;
    const podPattern = `${name}-(blue|green)-[a-z0-9]+-[a-z0-9]+`;
    const selector = `namespace="${props.appNamespace}",pod=~"${podPattern}"`;
    const byColour = (matchers: string) => `sum by (colour) (label_replace(rate(http_requests_total{${matchers}}[5m]), "colour", "$1", "pod", "${podPattern}"))`;
    const errorRatio = Decimal.of(errorPercent).times(Decimal.of('0.01'));
    const labels = { app: name };
    const group = { name: `blue-green-${name}`, interval: Duration.seconds(30) };
    const pod = (colour: string) => `namespace="${props.appNamespace}",pod="${name}-${colour}-5d8f7c9b4-q7x2m"`;
    const requests = (colour: string, ok: number, failed: number) => [
      counter(`http_requests_total{${pod(colour)},status="200"}`, ok, 30),
      counter(`http_requests_total{${pod(colour)},status="500"}`, failed, 30),
    ];
    const catalogue = AlertCatalogue.of(this);
    this.rules = [
      catalogue.addRule(this, group, {
        alert: 'BlueGreenBothColoursServing',
        expr: `count(${byColour(selector)} > ${trafficThreshold}) > 1`,
        for: Duration.minutes(15), severity: 'warning', priority: 'P2', team: 'platform', labels,
        summary: `Both colours of ${name} have served real traffic for 15 minutes`,
        description: `Blue and green each serve more than ${trafficThreshold} requests/s: the live Service selector or an ingress `
          + 'points at the idle colour (a switch moves all traffic at once, so this outlasts any switch).',
        runbook: 'blue-green-both-colours-serving',
        tests: [
          ...thresholdCases({
            what: 'both colours serving', for: Duration.minutes(15), onsetSeconds: 300,
            bad: [...requests('blue', 120 * trafficThreshold, 0), ...requests('green', 120 * trafficThreshold, 0)],
            healthy: [...requests('blue', 600 * trafficThreshold, 0), ...requests('green', 30 * trafficThreshold, 0)],
          }),
          { name: 'only the live colour serving: silent', series: requests('blue', 600 * trafficThreshold, 0), silentAt: [Duration.minutes(25)] },
        ],
      }),
      catalogue.addRule(this, group, {
        alert: 'BlueGreenColourErrors',
        // `> 0`: a colour without traffic has no ratio rather than 0/0 = NaN.
        expr: `${byColour(`${selector},status=~"5.."`)}\n/\n(${byColour(selector)} > 0)\n> ${errorRatio}`,
        for: Duration.minutes(5), severity: 'warning', priority: 'P1', team: 'platform', labels,
        summary: `Colour {{ $labels.colour }} of ${name} fails {{ $value | humanizePercentage }} of its requests`,
        description: `More than ${errorPercent}% of the requests to the {{ $labels.colour }} pods fail: if it is the idle colour, do not `
          + 'switch to it; if it is live, consider switching back.',
        runbook: 'blue-green-colour-errors',
        tests: thresholdCases({
          what: 'green failing its smoke tests while blue is healthy', for: Duration.minutes(5), onsetSeconds: 60,
          bad: [...requests('blue', 600, 0), ...requests('green', 60 * (1 - Math.min(1, errorRatio.toNumber() * 2)), 60 * Math.min(1, errorRatio.toNumber() * 2))],
          healthy: [...requests('blue', 600, 0), ...requests('green', 60, 0)],
          labels: { colour: 'green' },
        }),
      }),
    ];
  }
}
