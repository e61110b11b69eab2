import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { assertAt } from '../core/errors';
import {
  checkArrayOf, checkBoolean, checkDnsLabel, checkHttpUrl, checkInstance, checkLabelName, checkLabels, checkNonEmpty, checkProps, checkShape, optional, Rules,
} from '../core/checks';
import { componentLabels } from './monitoring-server';
import { toYamlDocument } from '../render/yaml';
import { GrafanaDashboard } from './grafana-dashboard';

/**
 * A datasource Grafana provisions at start-up, under a fixed UID.
 *
 * @see https://grafana.com/docs/grafana/latest/administration/provisioning/#data-sources
 */
export interface GrafanaDatasource {
  /** Display name. */
  readonly name: string;

  /** Plugin id: `prometheus`, `loki`, `jaeger`. */
  readonly type: string;

  /** Fixed UID the dashboards reference (see `DatasourceUids`). */
  readonly uid: string;

  /** URL Grafana's server reaches the datasource at (`access: proxy`). */
  readonly url: string;

  /**
   * Whether panels without a datasource use this one.
   *
   * @default false
   */
  readonly isDefault?: boolean;
}

/** Props of {@link GrafanaProvisioning}. */
export interface GrafanaProvisioningProps {
  /** System the objects belong to (`app.kubernetes.io/part-of`). */
  readonly partOf: string;

  /** Datasources, provisioned in ConfigMap `<namePrefix>-datasources`. */
  readonly datasources: GrafanaDatasource[];

  /** Dashboards, one ConfigMap `<namePrefix>-dashboard-<uid>` each. */
  readonly dashboards: GrafanaDashboard[];

  /**
   * First part of the ConfigMaps' names (`grafana-datasources`, `grafana-dashboard-<uid>`).
   *
   * @default 'grafana'
   */
  readonly namePrefix?: string;

  /**
   * Label the ConfigMaps for the Grafana sidecar of kube-prometheus-stack (`grafana_dashboard: "1"`,
   * `grafana_datasource: "1"`), which loads them into a Grafana this library does not run.
   *
   * @default false
   */
  readonly sidecarLabels?: boolean;

  /**
   * Labels added to every ConfigMap (the operator stack's selector labels).
   *
   * @default - none
   */
  readonly extraLabels?: Readonly<Record<string, string>>;
}

/** Labels kube-prometheus-stack's Grafana sidecar looks for (the chart's defaults). */
export const GrafanaSidecarLabels = {
  DASHBOARD: { grafana_dashboard: '1' },
  DATASOURCE: { grafana_datasource: '1' },
} as const;

/** Run-time checks of {@link GrafanaProvisioningProps}, applied before anything is created. */
const GRAFANA_PROVISIONING_RULES: Rules = {
  partOf: checkLabelName,
  datasources: checkArrayOf(checkShape({ name: checkNonEmpty, type: checkNonEmpty, uid: checkNonEmpty, url: checkHttpUrl, isDefault: optional(checkBoolean) })),
  dashboards: checkArrayOf(checkInstance((v) => v instanceof GrafanaDashboard, 'a GrafanaDashboard')),
  sidecarLabels: optional(checkBoolean),
  extraLabels: optional(checkLabels),
  namePrefix: optional(checkDnsLabel),
};

/**
 * Grafana's datasources and dashboards as ConfigMaps: mounted by our Grafana (standalone mode) or picked up
 * by kube-prometheus-stack's Grafana sidecar (operator mode). The same dashboards in both modes.
 *
 * Synth fails when a panel refers to a datasource UID that is not provisioned, so a dashboard never shows
 * "datasource not found".
 */
export class GrafanaProvisioning extends Construct {
  /** ConfigMap `grafana-datasources` with `datasources.yaml`. */
  public readonly datasourcesConfigMap: kplus.ConfigMap;

  /** ConfigMaps `grafana-dashboard-<uid>`, by dashboard UID. */
  public readonly dashboardConfigMaps: Record<string, kplus.ConfigMap> = {};

  /** The datasources file, as rendered. */
  public readonly datasourcesFile: string;

  constructor(scope: Construct, id: string, props: GrafanaProvisioningProps) {
    super(scope, id);
    checkProps(this, props, GRAFANA_PROVISIONING_RULES);
    const uids = new Set<string>();
    props.datasources.forEach((ds, i) => {
      assertAt(this, `datasources[${i}].uid`, uids.has(ds.uid) ? `${JSON.stringify(ds.uid)} is used twice` : checkNonEmpty(ds.uid));
      assertAt(this, `datasources[${i}].url`, /^https?:\/\/[^\s]+$/.test(ds.url) ? undefined : `must be an http(s) URL, got ${JSON.stringify(ds.url)}`);
      uids.add(ds.uid);
    });
    assertAt(this, 'datasources', props.datasources.filter((ds) => ds.isDefault === true).length > 1 ? 'at most one may be the default' : undefined);
    const dashboardUids = new Set<string>();
    for (const dashboard of props.dashboards) {
      assertAt(this, `dashboards.${dashboard.uid}`, dashboardUids.has(dashboard.uid) ? 'UID used twice' : checkDnsLabel(dashboard.uid));
      dashboardUids.add(dashboard.uid);
      for (const panel of dashboard.panels) {
        const refs = [panel.datasource, ...(panel.type === 'row' ? [] : panel.targets.map((t) => t.datasource))]
          .filter((r): r is { uid: string } => r !== undefined);
        for (const ref of refs) {
          assertAt(this, `dashboards.${dashboard.uid}`,
            uids.has(ref.uid) ? undefined : `panel ${JSON.stringify(panel.title)} uses datasource ${JSON.stringify(ref.uid)}, which is not provisioned`);
        }
      }
    }

    const prefix = props.namePrefix ?? 'grafana';
    const base = componentLabels('grafana', 'monitoring', props.partOf).labels;
    const extra = props.extraLabels ?? {};
    const sidecar = props.sidecarLabels ?? false;
    this.datasourcesFile = toYamlDocument({
      apiVersion: 1,
      datasources: props.datasources.map((ds) => ({
        name: ds.name,
        type: ds.type,
        uid: ds.uid,
        url: ds.url,
        access: 'proxy',
        isDefault: ds.isDefault ?? false,
        editable: false,
      })),
    });
    this.datasourcesConfigMap = new kplus.ConfigMap(this, 'Datasources', {
      metadata: {
        name: `${prefix}-datasources`,
        labels: { ...base, ...(sidecar ? GrafanaSidecarLabels.DATASOURCE : {}), ...extra },
      },
      data: { 'datasources.yaml': this.datasourcesFile },
    });
    for (const dashboard of props.dashboards) {
      this.dashboardConfigMaps[dashboard.uid] = new kplus.ConfigMap(this, `Dashboard-${dashboard.uid}`, {
        metadata: {
          name: `${prefix}-dashboard-${dashboard.uid}`,
          labels: { ...base, ...(sidecar ? GrafanaSidecarLabels.DASHBOARD : {}), ...extra },
        },
        data: { [`${dashboard.uid}.json`]: `${JSON.stringify(dashboard.toJson(), null, 2)}\n` },
      });
    }
  }
}
