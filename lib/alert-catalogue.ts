import { Construct, IConstruct } from 'constructs';
import { ValidationError } from './validation-error';

/** How urgently an alert needs a human: `critical` pages, `warning` goes to chat, `info` to e-mail. */
export type Severity = 'critical' | 'warning' | 'info';

/** Incident priority carried as a label, P0 most urgent. */
export type Priority = 'P0' | 'P1' | 'P2' | 'P3';

/**
 * One Prometheus alerting rule, as constructs declare it.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/
 */
export interface AlertRuleSpec {
  /** Alert name, CamelCase; an operational contract (pagers and runbooks refer to it). */
  readonly alert: string;

  /** PromQL expression; the alert fires for every series it returns. */
  readonly expr: string;

  /**
   * How long the expression must hold before the alert fires (Prometheus duration).
   *
   * @default - fires on the first evaluation that returns a series
   */
  readonly for?: string;

  /** Severity label; decides routing. */
  readonly severity: Severity;

  /** Priority label. */
  readonly priority: Priority;

  /** Team label; who owns the response. */
  readonly team: string;

  /** One-line summary annotation (may use `{{ $labels.x }}` and `{{ $value }}`). */
  readonly summary: string;

  /** Longer description annotation. */
  readonly description: string;

  /** Runbook page, relative to the configured runbook base URL (`backup-too-old`). */
  readonly runbook: string;

  /**
   * Extra labels.
   *
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/** A named rule group, evaluated together at one interval. */
export interface AlertGroupSpec {
  /** Group name (`application_alerts`). */
  readonly name: string;

  /**
   * Evaluation interval (Prometheus duration).
   *
   * @default - the Prometheus global evaluation interval
   */
  readonly interval?: string;
}

const CATALOGUE_ID = 'AlertCatalogue';

/**
 * Every alert the construct tree declares, grouped: the single source from which rule files and
 * PrometheusRule objects are rendered. Constructs register their own alerts (a backup job its
 * `BackupTooOld`), so the catalogue grows with the platform. One catalogue exists per tree.
 */
export class AlertCatalogue extends Construct {
  /** The catalogue of the tree `scope` belongs to, created on first use. */
  public static of(scope: IConstruct): AlertCatalogue {
    const root = scope.node.root;
    const existing = root.node.tryFindChild(CATALOGUE_ID);
    return existing instanceof AlertCatalogue ? existing : new AlertCatalogue(root as Construct, CATALOGUE_ID);
  }

  private readonly groupList: Array<{ spec: AlertGroupSpec; rules: Array<{ rule: AlertRuleSpec; owner: string }> }> = [];

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /**
   * Adds a rule to a group (created on first use), on behalf of `owner`.
   *
   * @throws ValidationError when an alert of that name already exists in the group, or the group is
   * redeclared with another interval
   */
  public addRule(owner: IConstruct, group: AlertGroupSpec, rule: AlertRuleSpec): AlertRuleSpec {
    let entry = this.groupList.find((g) => g.spec.name === group.name);
    if (entry === undefined) {
      entry = { spec: group, rules: [] };
      this.groupList.push(entry);
    } else if (group.interval !== undefined && entry.spec.interval !== group.interval) {
      throw new ValidationError(owner.node.path, `alert group ${group.name}`,
        `declared with interval ${group.interval}, but it already has ${entry.spec.interval ?? 'the global interval'}`);
    }
    const clash = entry.rules.find((r) => r.rule.alert === rule.alert);
    if (clash !== undefined) {
      throw new ValidationError(owner.node.path, `alert ${rule.alert}`, `already declared in group ${group.name} by ${clash.owner}`);
    }
    entry.rules.push({ rule, owner: owner.node.path });
    return rule;
  }

  /** Groups in declaration order, each with its rules in declaration order. */
  public groups(): Array<{ name: string; interval?: string; rules: AlertRuleSpec[] }> {
    return this.groupList.map((g) => ({ name: g.spec.name, interval: g.spec.interval, rules: g.rules.map((r) => r.rule) }));
  }
}
