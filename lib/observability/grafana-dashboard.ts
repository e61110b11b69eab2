import type {
  Dashboard, DataQuery, FieldColorModeId, FieldConfig, GridPos, Panel, RowPanel, Threshold, ThresholdsConfig, ThresholdsMode,
} from '@grafana/schema';
import { Duration } from 'cdk8s';
import { checkPromql } from '../alerting/promql';
import { checkArrayOf, checkNumber, checkShape, checkString, findProblem, integer, oneOf, optional, Rules } from '../core/checks';
import { checkPositiveDuration, formatPrometheusDuration } from '../core/durations';
import { show } from '../core/errors';
import { ValidationError } from '../core/validation-error';

/**
 * Fixed UIDs of the Grafana datasources the monitoring stack provisions. Dashboards reference these UIDs
 * (never a datasource's display name or a generated UID), so a dashboard works unchanged on any Grafana that
 * provisions the same UIDs: ours in standalone mode, kube-prometheus-stack's in operator mode.
 */
export const DatasourceUids = {
  PROMETHEUS: 'prometheus',
  LOKI: 'loki',
  JAEGER: 'jaeger',
} as const;

/** A datasource reference as Grafana's dashboard JSON spells it. */
export interface DatasourceRef {
  /** Plugin id (`prometheus`, `loki`, `jaeger`). */
  readonly type: string;

  /** Fixed datasource UID (see {@link DatasourceUids}). */
  readonly uid: string;
}

/** The Prometheus datasource every shipped panel queries. */
export const PROMETHEUS_DATASOURCE: DatasourceRef = { type: 'prometheus', uid: DatasourceUids.PROMETHEUS };

/**
 * Units Grafana formats values in (the ids of its unit picker) that our dashboards use.
 *
 * @see https://github.com/grafana/grafana/blob/main/packages/grafana-data/src/valueFormats/categories.ts
 */
export type PanelUnit = 'reqps' | 's' | 'ms' | 'percent' | 'percentunit' | 'bytes' | 'short' | 'none' | 'ops';

/** Colours the shipped thresholds use (Grafana's named palette). */
export type ThresholdColour = 'green' | 'yellow' | 'orange' | 'red' | 'blue';

/** One step of a panel's absolute thresholds: from `value` upwards the colour applies. */
export interface ThresholdStep {
  /**
   * Lower bound of the step.
   *
   * @default - no bound: the step starts at minus infinity (only the first step may omit it)
   */
  readonly value?: number;

  /** Colour from this bound upwards. */
  readonly colour: ThresholdColour;
}

/** One PromQL query of a panel. */
export interface PanelQuery {
  /** PromQL expression. */
  readonly expr: string;

  /**
   * Series name template (`{{pod}}`).
   *
   * @default - Grafana names series after their labels
   */
  readonly legendFormat?: string;
}

/** What every panel kind takes. */
export interface PanelSpec {
  /** Panel title. */
  readonly title: string;

  /**
   * Text shown in the panel's info tooltip.
   *
   * @default - none
   */
  readonly description?: string;

  /** Queries, lettered A, B, ... in order. */
  readonly queries: PanelQuery[];

  /**
   * Unit values are formatted in.
   *
   * @default 'short'
   */
  readonly unit?: PanelUnit;

  /**
   * Absolute thresholds, ascending; the first step has no value.
   *
   * @default - a single green step
   */
  readonly thresholds?: ThresholdStep[];

  /**
   * Width in grid columns (the dashboard is 24 wide).
   *
   * @default 12
   */
  readonly width?: number;

  /**
   * Height in grid rows.
   *
   * @default 8
   */
  readonly height?: number;

  /**
   * Lowest value on the axis or gauge.
   *
   * @default - from the data
   */
  readonly min?: number;

  /**
   * Highest value on the axis or gauge.
   *
   * @default - from the data
   */
  readonly max?: number;
}

/** A time-series panel (Grafana's `timeseries`, the successor of the legacy `graph`). */
export interface TimeseriesSpec extends PanelSpec {
  /**
   * Label of the value axis.
   *
   * @default - none
   */
  readonly axisLabel?: string;
}

/** A single-value panel (`stat`). */
export type StatSpec = PanelSpec;

/** Props of {@link GrafanaDashboard}. */
export interface GrafanaDashboardProps {
  /** Fixed dashboard UID (at most 40 characters): links and the provisioned file name use it. */
  readonly uid: string;

  /** Dashboard title. */
  readonly title: string;

  /**
   * Tags shown in the dashboard list.
   *
   * @default - none
   */
  readonly tags?: string[];

  /**
   * Auto-refresh interval, in one whole unit (seconds, minutes, hours or days), as Grafana writes it.
   *
   * @default Duration.seconds(30)
   */
  readonly refresh?: Duration;

  /**
   * Length of the default time range, which ends now, in one whole unit (seconds, minutes, hours or days).
   *
   * @default Duration.hours(6)
   */
  readonly timeRange?: Duration;
}

const GRID_WIDTH = 24;
const UID = /^[A-Za-z0-9_-]{1,40}$/;

/** One Prometheus query of a rendered panel: Grafana's `DataQuery` with the Prometheus query fields. */
export interface PrometheusTarget extends DataQuery {
  /** PromQL expression. */
  readonly expr: string;

  /**
   * Series name template.
   *
   * @default - Grafana names series after their labels
   */
  readonly legendFormat?: string;

  /** Whether the query is a range query (always true: every shipped panel plots a range). */
  readonly range: boolean;
}

/**
 * A rendered visualisation panel (`timeseries` or `stat`): Grafana's `Panel` type with the fields every
 * shipped panel sets made required and its targets typed as Prometheus queries.
 */
export interface VisualisationPanelJson extends Omit<Panel, 'id' | 'type' | 'title' | 'targets' | 'gridPos'> {
  /** Panel id, unique in the dashboard. */
  readonly id: number;

  /** Panel plugin id. */
  readonly type: 'timeseries' | 'stat';

  /** Panel title. */
  readonly title: string;

  /** Position on the 24-column grid. */
  readonly gridPos: GridPos;

  /** Queries, lettered A, B, ... */
  readonly targets: PrometheusTarget[];
}

/** A rendered row: Grafana's `RowPanel` type with its title required. */
export interface RowPanelJson extends Omit<RowPanel, 'title' | 'gridPos'> {
  /** Row title. */
  readonly title: string;

  /** Position on the 24-column grid (the full width, one unit high). */
  readonly gridPos: GridPos;
}

/** A rendered panel in Grafana's JSON model: a row or a visualisation. */
export type PanelJson = RowPanelJson | VisualisationPanelJson;

/** A rendered dashboard in Grafana's JSON model (Grafana's `Dashboard` type with the rendered panels). */
export interface DashboardJson extends Omit<Dashboard, 'panels'> {
  /** Panels, rows included, in order. */
  readonly panels: PanelJson[];
}

/** Grafana's `ThresholdsMode.Absolute` (spelt as its value: the enum is only imported as a type). */
const ABSOLUTE = 'absolute' as ThresholdsMode.Absolute;
/** Grafana's `FieldColorModeId.Thresholds`. */
const COLOUR_BY_THRESHOLDS = 'thresholds' as FieldColorModeId.Thresholds;
/** Grafana's `FieldColorModeId.PaletteClassic`. */
const COLOUR_BY_PALETTE = 'palette-classic' as FieldColorModeId.PaletteClassic;

/** A positive Duration Grafana can write: one whole unit (`30s`, `5m`, `6h`, `7d`). */
function checkGrafanaDuration(value: unknown): string | undefined {
  const problem = checkPositiveDuration(value, 'Duration.minutes(5)');
  if (problem !== undefined) {
    return problem;
  }
  const text = formatPrometheusDuration(value as Duration);
  return /^\d+[smhd]$/.test(text) ? undefined : `must be whole seconds, minutes, hours or days in one unit, as Grafana writes it, got ${text}`;
}

const DASHBOARD_RULES: Rules = {
  uid: checkString,
  title: checkString,
  tags: optional(checkArrayOf(checkString)),
  refresh: optional(checkGrafanaDuration),
  timeRange: optional(checkGrafanaDuration),
};

const PANEL_RULES: Rules = {
  title: checkString,
  description: optional(checkString),
  queries: checkArrayOf(checkShape({ expr: checkString, legendFormat: optional(checkString) })),
  unit: optional(oneOf(['reqps', 's', 'ms', 'percent', 'percentunit', 'bytes', 'short', 'none', 'ops'])),
  thresholds: optional(checkArrayOf(checkShape({ value: optional((v) => checkNumber(v)), colour: oneOf(['green', 'yellow', 'orange', 'red', 'blue']) }))),
  width: optional(integer(1)),
  height: optional(integer(1)),
  min: optional((v) => checkNumber(v)),
  max: optional((v) => checkNumber(v)),
  axisLabel: optional(checkString),
};

/**
 * A Grafana dashboard described in code and rendered to Grafana's JSON model.
 *
 * Panels are laid out left to right in the order they are added, wrapping at the 24-column grid; a row
 * starts a new line. Panel ids are assigned in order, so they are unique and stable. Every panel queries the
 * Prometheus datasource by its fixed UID.
 */
export class GrafanaDashboard {
  /** Dashboard UID. */
  public readonly uid: string;

  /** Dashboard title. */
  public readonly title: string;

  private readonly props: GrafanaDashboardProps;
  private readonly panelList: PanelJson[] = [];
  private x = 0;
  private y = 0;
  private lineHeight = 0;

  constructor(props: GrafanaDashboardProps) {
    if (typeof props !== 'object' || props === null) {
      throw new ValidationError('dashboard', 'props', `must be an object, got ${show(props)}`);
    }
    const where = `dashboard ${JSON.stringify(props.uid)}`;
    const typed = findProblem(props, DASHBOARD_RULES);
    if (typed !== undefined) {
      throw new ValidationError(where, typed.field, typed.problem);
    }
    if (!UID.test(props.uid)) {
      throw new ValidationError(where, 'uid', `must be 1 to 40 letters, digits, '-' or '_', got ${JSON.stringify(props.uid)}`);
    }
    if (props.title.trim() === '') {
      throw new ValidationError(where, 'title', 'required, got ""');
    }
    this.props = props;
    this.uid = props.uid;
    this.title = props.title;
  }

  /** Starts a new row titled `title` on a line of its own; later panels go below it. */
  public addRow(title: string): RowPanelJson {
    this.newLine();
    const row: RowPanelJson = { id: this.nextId(), type: 'row', title, collapsed: false, gridPos: { x: 0, y: this.y, w: GRID_WIDTH, h: 1 }, panels: [] };
    this.panelList.push(row);
    this.y += 1;
    return row;
  }

  /** Adds a time-series panel. */
  public addTimeseries(spec: TimeseriesSpec): VisualisationPanelJson {
    const custom = spec.axisLabel === undefined ? {} : { axisLabel: spec.axisLabel };
    return this.addPanel('timeseries', spec, custom, {
      legend: { displayMode: 'list', placement: 'bottom', showLegend: true, calcs: [] },
      tooltip: { mode: 'multi', sort: 'desc' },
    });
  }

  /** Adds a single-value panel showing the last value of its query. */
  public addStat(spec: StatSpec): VisualisationPanelJson {
    return this.addPanel('stat', spec, undefined, {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: 'value',
      graphMode: 'area',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: 'auto',
    });
  }

  /** The panels added so far, rows included, in order. */
  public get panels(): readonly PanelJson[] {
    return this.panelList;
  }

  /** Every PromQL expression of the dashboard with the title of its panel. */
  public expressions(): Array<{ panel: string; expr: string }> {
    return this.panelList.flatMap((p) => (p.type === 'row' ? [] : p.targets.map((t) => ({ panel: p.title, expr: t.expr }))));
  }

  /** The dashboard in Grafana's JSON model, as a file provider loads it. */
  public toJson(): DashboardJson {
    return {
      uid: this.uid,
      title: this.title,
      tags: [...(this.props.tags ?? [])].sort(),
      timezone: 'browser',
      editable: false,
      graphTooltip: 1,
      refresh: formatPrometheusDuration(this.props.refresh ?? Duration.seconds(30)),
      time: { from: `now-${formatPrometheusDuration(this.props.timeRange ?? Duration.hours(6))}`, to: 'now' },
      schemaVersion: 39,
      version: 1,
      annotations: { list: [] },
      templating: { list: [] },
      panels: this.panelList,
    };
  }

  private addPanel(type: VisualisationPanelJson['type'], spec: PanelSpec, custom: Record<string, unknown> | undefined, options: Record<string, unknown>): VisualisationPanelJson {
    const where = `dashboard ${JSON.stringify(this.uid)}`;
    if (typeof spec !== 'object' || spec === null) {
      throw new ValidationError(where, 'panel', `must be an object, got ${show(spec)}`);
    }
    const field = `panel ${JSON.stringify(spec.title)}`;
    const typed = findProblem(spec, PANEL_RULES);
    if (typed !== undefined) {
      throw new ValidationError(where, `${field}.${typed.field}`, typed.problem);
    }
    const width = spec.width ?? 12;
    const height = spec.height ?? 8;
    if (!Number.isInteger(width) || width < 1 || width > GRID_WIDTH) {
      throw new ValidationError(where, `${field}.width`, `must be an integer from 1 to ${GRID_WIDTH}, got ${width}`);
    }
    if (!Number.isInteger(height) || height < 1) {
      throw new ValidationError(where, `${field}.height`, `must be an integer of at least 1, got ${height}`);
    }
    if (spec.queries.length === 0) {
      throw new ValidationError(where, `${field}.queries`, 'must hold at least one query');
    }
    if (spec.queries.length > 26) {
      throw new ValidationError(where, `${field}.queries`, `must hold at most 26 queries (refIds A to Z), got ${spec.queries.length}`);
    }
    spec.queries.forEach((q, i) => {
      if (q.expr.trim() === '') {
        throw new ValidationError(where, `${field}.queries[${i}].expr`, 'required, got ""');
      }
      const problem = checkPromql(q.expr);
      if (problem !== undefined) {
        throw new ValidationError(where, `${field}.queries[${i}].expr`, problem);
      }
    });
    const steps = spec.thresholds ?? [{ colour: 'green' }];
    steps.forEach((step, i) => {
      if ((i === 0) !== (step.value === undefined)) {
        throw new ValidationError(where, `${field}.thresholds[${i}].value`,
          i === 0 ? 'the first step has no value (it starts at minus infinity)' : 'required on every step after the first');
      }
      if (i > 1 && step.value! <= steps[i - 1].value!) {
        throw new ValidationError(where, `${field}.thresholds[${i}].value`, `must be greater than the previous step (${steps[i - 1].value}), got ${step.value}`);
      }
    });

    if (this.x + width > GRID_WIDTH) {
      this.newLine();
    }
    const thresholds: ThresholdsConfig = {
      mode: ABSOLUTE,
      steps: steps.map((s): Threshold => ({ color: s.colour, value: s.value ?? null })),
    };
    const defaults: FieldConfig = {
      unit: spec.unit ?? 'short',
      color: { mode: steps.length > 1 ? COLOUR_BY_THRESHOLDS : COLOUR_BY_PALETTE },
      thresholds,
    };
    if (spec.min !== undefined) {
      defaults.min = spec.min;
    }
    if (spec.max !== undefined) {
      defaults.max = spec.max;
    }
    if (custom !== undefined) {
      defaults.custom = { drawStyle: 'line', lineWidth: 1, fillOpacity: 10, showPoints: 'never', spanNulls: false, ...custom };
    }
    const panel: VisualisationPanelJson = {
      id: this.nextId(),
      type,
      title: spec.title,
      ...(spec.description === undefined ? {} : { description: spec.description } satisfies Partial<VisualisationPanelJson>),
      datasource: PROMETHEUS_DATASOURCE,
      gridPos: { x: this.x, y: this.y, w: width, h: height },
      targets: spec.queries.map((q, i): PrometheusTarget => ({
        refId: String.fromCharCode(65 + i),
        datasource: PROMETHEUS_DATASOURCE,
        expr: q.expr,
        ...(q.legendFormat === undefined ? {} : { legendFormat: q.legendFormat } satisfies Partial<PrometheusTarget>),
        range: true,
      })),
      fieldConfig: { defaults, overrides: [] },
      options,
    };
    this.panelList.push(panel);
    this.x += width;
    this.lineHeight = Math.max(this.lineHeight, height);
    return panel;
  }

  private newLine(): void {
    this.y += this.lineHeight;
    this.x = 0;
    this.lineHeight = 0;
  }

  private nextId(): number {
    return this.panelList.length + 1;
  }
}
