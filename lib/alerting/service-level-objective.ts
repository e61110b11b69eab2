import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { AlertCatalogue, AlertGroupSpec, AlertRuleSpec, AlertTestCase, PRIORITIES, Priority, RecordingTestCase, Severity } from './alert-catalogue';
import { Decimal } from '../core/decimal';
import { checkPositiveDuration, durationSeconds, formatPrometheusDuration, positiveDuration } from '../core/durations';
import { assertAt, show } from '../core/errors';
import { checkPromql } from './promql';
import { num } from './test-series';
import {
  Check, checkArrayOf, checkLabelName, checkMetricName, checkNumber, checkProps, checkShape, checkString, oneOf, optional, Rules,
} from '../core/checks';

/** What a burn-rate tier asks of a human: page now, or open a ticket. */
export type BurnNotification = 'page' | 'ticket';

/**
 * One multi-window burn-rate alert: fires when both windows burn the error budget faster than the rate
 * that would consume `budgetConsumedPercent` of the SLO period's budget within `longWindow`.
 *
 * @see https://sre.google/workbook/alerting-on-slos/#6-multiwindow-multi-burn-rate-alerts
 */
export interface BurnRateTier {
  /** Page or ticket; decides severity (`critical` pages, `warning` goes to chat). */
  readonly notification: BurnNotification;
  /** The window that measures the burn (`Duration.hours(1)`). */
  readonly longWindow: Duration;
  /** The window that proves it is still burning, so the alert resets soon after the burn stops (1/12 of the long one). */
  readonly shortWindow: Duration;
  /**
   * Share of the SLO period's error budget that, spent within `longWindow`, triggers the tier. The burn
   * factor is `share × period / longWindow` (2 % of a 30-day budget in 1 h: 14.4x; of a 7-day one: 3.36x).
   */
  readonly budgetConsumedPercent: number;
}

/**
 * Burn-rate tiers per SLO period (sloth's window catalogue), keyed by the period as a Prometheus duration
 * (`formatPrometheusDuration(window)`: `30d`, `7d`).
 *
 * The budget shares are the SRE workbook's, so a tier's factor follows from its period, and every tier
 * keeps the horizon it stands for: at a tier's factor the whole budget is gone within `longWindow / share`.
 * - **30d** (the workbook's own): page at 2 % in 1 h (14.4x, budget gone in 50 h) and 5 % in 6 h
 *   (6x, 5 days); ticket at 10 % in 1 d (3x, 10 days) and 10 % in 3 d (1x, the end of the period).
 * - **7d**: the same pages, 2 % in 1 h (3.36x) and 5 % in 6 h (1.4x), with the same 50 h and 5-day
 *   horizons. The 30-day factors (14.4x) need 72 % bad events against a 95 % objective, so a 50 %-slow
 *   incident would page only after hours. The workbook's tickets burn below 1x over 7 days (10 % in 1 d is
 *   0.7x: on track to last the period), so the ticket is 15 % in 1 d (1.05x): the budget runs out before
 *   the period ends.
 * A period without a catalogue is an error: reusing another period's tiers is the miscalibration this
 * table exists to prevent.
 */
export const BURN_RATE_WINDOW_CATALOGUES: Readonly<Record<string, readonly BurnRateTier[]>> = {
  '30d': [
    { notification: 'page', longWindow: Duration.hours(1), shortWindow: Duration.minutes(5), budgetConsumedPercent: 2 },
    { notification: 'page', longWindow: Duration.hours(6), shortWindow: Duration.minutes(30), budgetConsumedPercent: 5 },
    { notification: 'ticket', longWindow: Duration.days(1), shortWindow: Duration.hours(2), budgetConsumedPercent: 10 },
    { notification: 'ticket', longWindow: Duration.days(3), shortWindow: Duration.hours(6), budgetConsumedPercent: 10 },
  ],
  '7d': [
    { notification: 'page', longWindow: Duration.hours(1), shortWindow: Duration.minutes(5), budgetConsumedPercent: 2 },
    { notification: 'page', longWindow: Duration.hours(6), shortWindow: Duration.minutes(30), budgetConsumedPercent: 5 },
    { notification: 'ticket', longWindow: Duration.days(1), shortWindow: Duration.hours(2), budgetConsumedPercent: 15 },
  ],
};

/** The workbook's tiers for a 30-day period (`BURN_RATE_WINDOW_CATALOGUES['30d']`). */
export const WORKBOOK_BURN_RATE_TIERS: readonly BurnRateTier[] = BURN_RATE_WINDOW_CATALOGUES['30d'];

/** Every tier of every catalogue, one per long window, fastest first: what routing inhibits by. */
export function allCatalogueTiers(): BurnRateTier[] {
  const byWindow = new Map<number, BurnRateTier>();
  for (const tier of Object.values(BURN_RATE_WINDOW_CATALOGUES).flat()) {
    const key = tier.longWindow.toMilliseconds();
    byWindow.set(key, byWindow.get(key) ?? tier);
  }
  return [...byWindow.entries()].sort(([x], [y]) => x - y).map(([, tier]) => tier);
}

/**
 * The window the SLI's event rates are recorded over, from the raw counters. Windows of
 * {@link SLI_RECORDED_FROM} and longer average those recordings instead of re-reading raw samples.
 */
export const SLI_BASE_WINDOW: Duration = Duration.minutes(5);

/**
 * The shortest window computed from the recorded base-window rates. Shorter windows (the alerts' short
 * windows and the 1 h and 6 h pages) read the raw counters: they are cheap, and an average of 5-minute
 * rates lags a change by about 2.5 minutes, which would delay the fast page by a tenth of its window.
 */
export const SLI_RECORDED_FROM: Duration = Duration.days(1);

/** Labels every SLO burn alert carries, so routing and inhibition can tell tiers apart. */
export const SloLabels = {
  SLO: 'slo',
  LONG_WINDOW: 'long_window',
  SHORT_WINDOW: 'short_window',
  NOTIFICATION: 'notification',
} as const;

/** An SLI as good events over all events, from two counters. */
export interface RatioIndicator {
  /** Counter selector of good events (`http_requests_total{namespace="shop",status!~"5.."}`). */
  readonly good: string;
  /** Counter selector of all events. */
  readonly total: string;
  /** A concrete good and bad series for the generated unit tests (every label, `=` matchers only). */
  readonly testSeries: { readonly good: string; readonly bad: string };
}

/** An SLI as the share of events faster than a threshold, from a Prometheus histogram. */
export interface LatencyIndicator {
  /** Histogram name without suffix (`http_request_duration_seconds`). */
  readonly histogram: string;
  /** Equality matchers, without braces (`namespace="shop"`). */
  readonly matchers: string;
  /**
   * Threshold (`Duration.millis(500)`); in seconds, it must be one of the histogram's bucket bounds
   * (`le="0.5"`).
   */
  readonly threshold: Duration;
}

/** Props of {@link ServiceLevelObjective}. */
export interface ServiceLevelObjectiveProps {
  /** SLO name, the `slo` label value (`availability`). */
  readonly name: string;
  /** Share of good events promised, in percent (`99.9`). */
  readonly objectivePercent: number;
  /** Compliance window (`Duration.days(30)`); its burn-rate tiers come from the catalogue of that period. */
  readonly window: Duration;
  /** Team paged or ticketed. */
  readonly team: string;
  /** What the SLO promises, for alert descriptions. */
  readonly description: string;
  /**
   * A good/total SLI. Exactly one of `ratio` and `latency`.
   *
   * @default - the latency SLI
   */
  readonly ratio?: RatioIndicator;
  /**
   * A latency SLI.
   *
   * @default - the ratio SLI
   */
  readonly latency?: LatencyIndicator;
  /**
   * Burn-rate tiers.
   *
   * @default - the catalogue of the SLO's period (`BURN_RATE_WINDOW_CATALOGUES[window]`); a period
   * without one fails
   */
  readonly tiers?: readonly BurnRateTier[];
  /**
   * Priority of page alerts; ticket alerts get the next lower one.
   *
   * @default 'P1'
   */
  readonly pagePriority?: Priority;
}

/** One computed tier: its burn factor and the error-ratio threshold both windows must exceed. */
export interface BurnRateAlert {
  readonly tier: BurnRateTier;
  /** Burn rate: `budgetConsumed × period / longWindow`, exact or rounded to 4 significant digits. */
  readonly factor: string;
  /** Error-ratio threshold: `factor × (1 − objective)`, exact decimal. */
  readonly threshold: string;
  readonly rule: AlertRuleSpec;
}

/** A recording rule's name and the selector of this SLO's series. */
export interface SloRecordingRule {
  readonly record: string;
  readonly selector: string;
  /** The window it averages over. */
  readonly window: Duration;
}



/** A positive Duration of whole seconds: the burn factors are exact ratios of whole seconds. */
function wholeSecondsWindow(example: string): Check {
  const positive = positiveDuration(example);
  return (value) => positive(value)
    ?? (Number.isInteger((value as Duration).toMilliseconds() / 1000) ? undefined : `must be a whole number of seconds, got ${show(value)}`);
}

/** The run-time check of a {@link BurnRateTier}. */
export const checkBurnRateTier: Check = checkShape({
  notification: oneOf(['page', 'ticket']),
  longWindow: wholeSecondsWindow('Duration.hours(1)'),
  shortWindow: wholeSecondsWindow('Duration.minutes(5)'),
  budgetConsumedPercent: (v) => checkNumber(v, Number.MIN_VALUE, 100),
});

/** Run-time checks of {@link ServiceLevelObjectiveProps}, applied before anything is created. */
const SERVICE_LEVEL_OBJECTIVE_RULES: Rules = {
  name: checkString,
  objectivePercent: (v) => checkNumber(v),
  window: wholeSecondsWindow('Duration.days(30)'),
  team: checkLabelName,
  description: checkString,
  ratio: optional(checkShape({ good: checkString, total: checkString, testSeries: checkShape({ good: checkString, bad: checkString }) })),
  latency: optional(checkShape({ histogram: checkMetricName, matchers: checkString, threshold: positiveDuration('Duration.millis(500)') })),
  tiers: optional(checkArrayOf(checkBurnRateTier)),
  pagePriority: optional(checkString),
};

/**
 * The counters an SLO is computed from, for readers that need the same SLI split another way (by colour,
 * by canary pod template) rather than a second definition of "good".
 */
export interface SloIndicator {
  /** Selector of good events (a counter, or the histogram bucket at the latency threshold). */
  readonly good: string;
  /** Selector of all events. */
  readonly total: string;
  /**
   * The histogram of a latency SLI: its name without suffix and its matchers without braces.
   *
   * @default - a ratio SLI has no histogram
   */
  readonly histogram?: { readonly name: string; readonly matchers: string };
}

/**
 * A service-level objective: recording rules for its error ratio over every window its alerts need,
 * an error-budget-remaining recording rule, and multi-window multi-burn-rate alerts (Google SRE
 * workbook) with exact thresholds and unit tests at every tier.
 */
export class ServiceLevelObjective extends Construct {
  /** Objective as a fraction (`0.999`). */
  public readonly objective: string;

  /** Error budget, `1 − objective` (`0.001`). */
  public readonly errorBudget: string;

  /** Recording rules of the error ratio, shortest window first. */
  public readonly errorRatioRules: SloRecordingRule[];

  /**
   * Recording rules of the event rates over {@link SLI_BASE_WINDOW} (all events, bad events): the only
   * rules that read the raw counters; every longer window is computed from them.
   */
  public readonly eventRateRules: { readonly total: SloRecordingRule; readonly bad: SloRecordingRule };

  /** Recording rule of the remaining error budget over the SLO window (1 = untouched, < 0 = overspent). */
  public readonly errorBudgetRemainingRule: SloRecordingRule;

  /** The burn-rate alerts, one per tier. */
  public readonly burnRateAlerts: BurnRateAlert[];

  /** The SLO name. */
  public readonly sloName: string;

  /** The SLI's counters (and histogram for a latency SLO). */
  public readonly indicator: SloIndicator;

  constructor(scope: Construct, id: string, props: ServiceLevelObjectiveProps) {
    super(scope, id);
    checkProps(this, props, SERVICE_LEVEL_OBJECTIVE_RULES);
    const pagePriority = props.pagePriority ?? 'P1';
    assertAt(this, 'name', /^[a-z][a-z0-9_]*$/.test(props.name) ? undefined : `must be lower_snake_case, got ${show(props.name)}`);
    assertAt(this, 'objectivePercent', typeof props.objectivePercent === 'number' && props.objectivePercent > 0 && props.objectivePercent < 100
      ? undefined : `must be a percentage between 0 and 100 (exclusive), got ${show(props.objectivePercent)}`);
    assertAt(this, 'window', checkPositiveDuration(props.window));
    // Windows are written as Prometheus durations from here on: in record names, labels and ranges.
    const durations = new Map<string, Duration>();
    const text = (d: Duration) => {
      const t = formatPrometheusDuration(d);
      durations.set(t, durations.get(t) ?? d);
      return t;
    };
    const period = text(props.window);
    const catalogue = BURN_RATE_WINDOW_CATALOGUES[period];
    assertAt(this, 'window', props.tiers !== undefined || catalogue !== undefined ? undefined
      : `no burn-rate window catalogue for a ${period} period (known: ${Object.keys(BURN_RATE_WINDOW_CATALOGUES).join(', ')}); pass tiers for this period, got ${show(props.window)}`);
    const sourceTiers = props.tiers ?? catalogue;
    assertAt(this, 'ratio', (props.ratio === undefined) !== (props.latency === undefined) ? undefined : 'exactly one of ratio and latency is required');
    assertAt(this, 'pagePriority', PRIORITIES.slice(0, -1).includes(pagePriority) ? undefined : `must be one of P0, P1, P2, got ${show(pagePriority)}`);
    if (props.ratio !== undefined) {
      assertAt(this, 'ratio.good', checkPromql(props.ratio.good));
      assertAt(this, 'ratio.total', checkPromql(props.ratio.total));
    }
    const windowSeconds = durationSeconds(props.window)!;
    for (const [i, tier] of sourceTiers.entries()) {
      assertAt(this, `tiers[${i}].shortWindow`, durationSeconds(tier.shortWindow)! < durationSeconds(tier.longWindow)!
        ? undefined : `must be shorter than longWindow (${formatPrometheusDuration(tier.longWindow)}), got ${show(tier.shortWindow)}`);
      assertAt(this, `tiers[${i}].longWindow`, durationSeconds(tier.longWindow)! < windowSeconds
        ? undefined : `must be shorter than the SLO window (${period}), got ${show(tier.longWindow)}`);
      assertAt(this, `tiers[${i}].budgetConsumedPercent`, tier.budgetConsumedPercent > 0 && tier.budgetConsumedPercent <= 100
        ? undefined : `must be a percentage above 0 and at most 100, got ${show(tier.budgetConsumedPercent)}`);
    }

    this.sloName = props.name;
    const objective = Decimal.of(props.objectivePercent).times(Decimal.of('0.01'));
    this.objective = objective.toString();
    const budget = Decimal.of(1).minus(objective);
    this.errorBudget = budget.toString();
    const group: AlertGroupSpec = { name: `slo-${props.name}`, interval: Duration.minutes(1) };
    const alertCatalogue = AlertCatalogue.of(this);
    const sloLabel = { [SloLabels.SLO]: props.name };
    const record = (windowName: string) => `slo:error_ratio:rate${windowName}`;
    const selector = (name: string) => `${name}{${SloLabels.SLO}="${props.name}"}`;
    const sli = indicator(props);
    this.indicator = {
      good: sli.good,
      total: sli.total,
      histogram: props.latency === undefined ? undefined : { name: props.latency.histogram, matchers: props.latency.matchers },
    };

    // The raw counters are read once, over the base window: all events, and bad ones (all minus good;
    // `or vector(0)`: a good-events series that never existed means none were good).
    const base = text(SLI_BASE_WINDOW);
    const totalRecord = `slo:events:rate${base}`;
    const badRecord = `slo:bad_events:rate${base}`;
    const rawTotal = (w: string) => `sum(rate(${sli.total}[${w}]))`;
    const rawGood = (w: string) => `(sum(rate(${sli.good}[${w}])) or vector(0))`;
    alertCatalogue.addRecordingRule(this, group, { record: totalRecord, expr: rawTotal(base), labels: sloLabel });
    alertCatalogue.addRecordingRule(this, group, { record: badRecord, expr: `${rawTotal(base)} - ${rawGood(base)}`, labels: sloLabel });
    this.eventRateRules = {
      total: { record: totalRecord, selector: selector(totalRecord), window: SLI_BASE_WINDOW },
      bad: { record: badRecord, selector: selector(badRecord), window: SLI_BASE_WINDOW },
    };

    const tiers = sourceTiers.map((tier) => ({ tier, longWindow: text(tier.longWindow), shortWindow: text(tier.shortWindow) }));
    const windows = [...new Set([...tiers.flatMap((t) => [t.shortWindow, t.longWindow]), period])]
      .sort((a, b) => durationSeconds(a)! - durationSeconds(b)!);
    this.errorRatioRules = windows.map((w) => {
      // Long windows sum the recorded base-window rates, so each 5-minute ratio weighs with its traffic,
      // instead of re-reading every raw sample of days at every evaluation. `> 0` on the total: without
      // traffic there is no ratio (0/0 would record NaN and poison every reader).
      const expr = durationSeconds(w)! >= durationSeconds(SLI_RECORDED_FROM)!
        ? `sum_over_time(${selector(badRecord)}[${w}])\n/\n(sum_over_time(${selector(totalRecord)}[${w}]) > 0)`
        : `1 - (\n  ${rawGood(w)}\n  /\n  (${rawTotal(w)} > 0)\n)`;
      alertCatalogue.addRecordingRule(this, group, { record: record(w), expr, labels: sloLabel });
      return { record: record(w), selector: selector(record(w)), window: durations.get(w)! };
    });
    const recordedWindows = windows.filter((w) => durationSeconds(w)! >= durationSeconds(SLI_RECORDED_FROM)!);
    if (recordedWindows.length > 0) {
      alertCatalogue.addRecordingTest(this, group, recordingAccuracyTest(sli, recordedWindows, (w) => selector(record(w)), rawTotal, rawGood));
    }
    const remaining = 'slo:error_budget_remaining:ratio';
    alertCatalogue.addRecordingRule(this, group, {
      record: remaining,
      expr: `1 - ${selector(record(period))} / ${this.errorBudget}`,
      labels: sloLabel,
    });
    this.errorBudgetRemainingRule = { record: remaining, selector: selector(remaining), window: props.window };

    this.burnRateAlerts = tiers.map(({ tier: source, ...tier }) => {
      const [consumedNumerator, consumedDenominator] = Decimal.of(source.budgetConsumedPercent).times(Decimal.of('0.01')).toRatio();
      const longWindowSeconds = durationSeconds(tier.longWindow)!;
      const factor = Decimal.ratio(consumedNumerator * BigInt(windowSeconds), consumedDenominator * BigInt(longWindowSeconds), 4);
      // Share of this SLO's own budget spent within the long window at that burn rate, for the description.
      const [factorNumerator, factorDenominator] = factor.toRatio();
      const consumedOfWindow = Decimal.ratio(factorNumerator * BigInt(longWindowSeconds) * 100n, factorDenominator * BigInt(windowSeconds), 3);
      const threshold = factor.times(budget);
      const page = source.notification === 'page';
      const severity: Severity = page ? 'critical' : 'warning';
      const priority = page ? pagePriority : PRIORITIES[PRIORITIES.indexOf(pagePriority) + 1];
      const spec: AlertRuleSpec = {
        alert: `ErrorBudgetBurn${pascal(props.name)}${page ? 'Page' : 'Ticket'}${tier.longWindow}`,
        expr: `${selector(record(tier.longWindow))} > ${threshold}\nand\n${selector(record(tier.shortWindow))} > ${threshold}`,
        severity,
        priority,
        team: props.team,
        labels: {
          ...sloLabel,
          [SloLabels.LONG_WINDOW]: tier.longWindow,
          [SloLabels.SHORT_WINDOW]: tier.shortWindow,
          [SloLabels.NOTIFICATION]: source.notification,
        },
        summary: `SLO ${props.name} is burning its error budget ${factor}x too fast`,
        description: `${props.description}: the error ratio over ${tier.longWindow} and ${tier.shortWindow} is above ${threshold} `
          + `(${factor} x the ${this.errorBudget} budget); at this rate ${consumedOfWindow}% of the ${period} budget `
          + `is gone within ${tier.longWindow}. Current ratio over ${tier.longWindow}: {{ $value | humanizePercentage }}.`,
        runbook: `slo-${props.name.replace(/_/g, '-')}`,
        tests: burnTests(sli, tier, Number(threshold.toString()), sloLabel),
      };
      return { tier: source, factor: factor.toString(), threshold: threshold.toString(), rule: alertCatalogue.addRule(this, group, spec) };
    });
  }
}

interface Indicator {
  readonly good: string;
  readonly total: string;
  /** Test series: the good counter, and the counter that counts all events (or the bad one). */
  readonly testGood: string;
  readonly testOther: string;
  /** Whether `testOther` counts all events (histogram `_count`) rather than bad ones only. */
  readonly otherIsTotal: boolean;
}

function indicator(props: ServiceLevelObjectiveProps): Indicator {
  if (props.ratio !== undefined) {
    return { good: props.ratio.good, total: props.ratio.total, testGood: props.ratio.testSeries.good, testOther: props.ratio.testSeries.bad, otherIsTotal: false };
  }
  const latency = props.latency!;
  const thresholdSeconds = latency.threshold.toMilliseconds() / 1000;
  const le = num(thresholdSeconds);
  // Prometheus 3 normalises `le` to float text ("30.0") on ingestion, older servers keep what the client
  // sent ("30"): match both for whole-second thresholds.
  const leMatcher = Number.isInteger(thresholdSeconds) ? `le=~"${le}(\\\\.0)?"` : `le="${le}"`;
  return {
    good: `${latency.histogram}_bucket{${latency.matchers},${leMatcher}}`,
    total: `${latency.histogram}_count{${latency.matchers}}`,
    testGood: `${latency.histogram}_bucket{${latency.matchers},le="${le}"}`,
    testOther: `${latency.histogram}_count{${latency.matchers}}`,
    otherIsTotal: true,
  };
}

/**
 * Tests of one tier: a steady burn just above the threshold fires; one just below stays silent; and a
 * burn that stopped one short window ago stays silent although the long window is still above the
 * threshold — the short window is what lets the alert reset.
 *
 * They are evaluated after two short windows (plus two samples) rather than a full long window: from the
 * first samples on, each window's ratio covers all data so far, so the outcome is the same, and promtool
 * evaluates every rule each minute up to that time (a full 3-day window took a minute per SLO).
 */
function burnTests(sli: Indicator, tier: { readonly longWindow: string; readonly shortWindow: string }, threshold: number, labels: Record<string, string>): AlertTestCase[] {
  const shortSeconds = durationSeconds(tier.shortWindow)!;
  // One sample a minute: the base window's rate() needs at least two samples in it.
  const stepSeconds = 60;
  const horizonSeconds = Math.min(durationSeconds(tier.longWindow)!, 2 * (shortSeconds + stepSeconds));
  const at = Duration.seconds(horizonSeconds);
  const interval = Duration.seconds(stepSeconds);
  const steps = horizonSeconds / stepSeconds;
  const perStep = 1000 * stepSeconds;
  const tierName = `${tier.longWindow}/${tier.shortWindow}`;
  const cases: AlertTestCase[] = [
    { name: `${tierName}: steady burn at 1.25 x threshold fires at ${formatPrometheusDuration(at)}`, interval, series: series(sli, perStep, Math.min(1, threshold * 1.25), steps, 0), firing: [{ at, labels }] },
    { name: `${tierName}: steady burn at 0.8 x threshold stays silent`, interval, series: series(sli, perStep, threshold * 0.8, steps, 0), silentAt: [at] },
  ];
  // Quiet for the short window plus the base window: the oldest base-window rate the short window
  // averages must not reach back into the burn.
  const quietSteps = (shortSeconds + durationSeconds(SLI_BASE_WINDOW)!) / stepSeconds;
  const burning = Math.min(1, threshold * 1.25 * steps / (steps - quietSteps));
  if (quietSteps < steps && burning * (steps - quietSteps) / steps > threshold) {
    cases.push({
      name: `${tierName}: burn stopped ${formatPrometheusDuration(quietSteps * stepSeconds)} before ${formatPrometheusDuration(at)} stays silent (short window)`,
      interval,
      series: series(sli, perStep, burning, steps - quietSteps, quietSteps),
      silentAt: [at],
    });
  }
  return cases;
}

/**
 * Largest difference allowed between a recorded long-window ratio and the same ratio computed from the raw
 * counters, relative to the raw value. The recorded one averages base-window rates, so it lags a change by
 * about half the base window; over a day that is a small share of the window.
 */
export const RECORDED_SLI_TOLERANCE_PERCENT = 1;

/**
 * Proves the recorded long windows equal the raw computation: for 13 hours 1 % of 1000 events a minute are
 * bad, then 8 % of 3000; six and thirteen hours after the change every recorded window's ratio must be
 * within {@link RECORDED_SLI_TOLERANCE_PERCENT} of `1 - rate(good[w]) / rate(total[w])` over the raw series.
 */
function recordingAccuracyTest(sli: Indicator, windows: string[], recorded: (w: string) => string,
  rawTotal: (w: string) => string, rawGood: (w: string) => string): RecordingTestCase {
  const first = { perStep: 1000, ratio: 0.01, steps: 780 };
  const second = { perStep: 3000, ratio: 0.08, steps: 780 };
  const bad = (p: typeof first) => Number((p.perStep * p.ratio).toFixed(3));
  const other = (p: typeof first) => (sli.otherIsTotal ? p.perStep : bad(p));
  const tolerance = Decimal.of(RECORDED_SLI_TOLERANCE_PERCENT).times(Decimal.of('0.01')).toString();
  return {
    name: `recorded windows match the raw ratio within ${RECORDED_SLI_TOLERANCE_PERCENT}% across a change of traffic and error ratio`,
    series: [
      { series: sli.testGood, values: ramp(first.perStep - bad(first), first.steps, second.perStep - bad(second), second.steps) },
      { series: sli.testOther, values: ramp(other(first), first.steps, other(second), second.steps) },
    ],
    expectations: [Duration.hours(19), Duration.hours(26)].flatMap((at) => windows.map((w) => {
      const raw = `(1 - ${rawGood(w)} / (${rawTotal(w)} > 0))`;
      return { at, expr: `abs(sum(${recorded(w)}) - ${raw}) <= bool (${tolerance} * ${raw})`, samples: [{ value: 1 }] };
    })),
  };
}

/** Good and other counters: `ratio` of the events bad for `burnSteps`, then none bad for `quietSteps`. */
function series(sli: Indicator, perStep: number, ratio: number, burnSteps: number, quietSteps: number) {
  const bad = Number((perStep * ratio).toFixed(3));
  const good = perStep - bad;
  return [
    { series: sli.testGood, values: ramp(good, burnSteps, perStep, quietSteps) },
    { series: sli.testOther, values: ramp(sli.otherIsTotal ? perStep : bad, burnSteps, sli.otherIsTotal ? perStep : 0, quietSteps) },
  ];
}

/** A counter from 0 growing by `a` for `n` steps, then by `b` for `m` more (promtool notation). */
function ramp(a: number, n: number, b: number, m: number): string {
  const head = `0+${num(a)}x${n}`;
  return m === 0 ? head : `${head} ${num(a * n + b)}+${num(b)}x${m - 1}`;
}

function pascal(name: string): string {
  return name.split('_').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}
