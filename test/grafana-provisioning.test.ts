import * as YAML from 'yaml';
import { GrafanaDashboard } from '../lib/observability/grafana-dashboard';
import { GrafanaProvisioning } from '../lib/observability/grafana-provisioning';
import { findObject, synthChart, testChart } from './helpers';

function dashboard(): GrafanaDashboard {
  const d = new GrafanaDashboard({ uid: 'd1', title: 'D' });
  d.addStat({ title: 'S', queries: [{ expr: 'up' }] });
  return d;
}
const prometheus = { name: 'Prometheus', type: 'prometheus', uid: 'prometheus', url: 'http://prometheus-server:9090', isDefault: true };

describe('GrafanaProvisioning', () => {
  test('renders datasources with fixed UIDs and one ConfigMap per dashboard', () => {
    const c = testChart();
    new GrafanaProvisioning(c, 'G', { partOf: 'ecommerce', datasources: [prometheus], dashboards: [dashboard()] });
    const objects = synthChart(c);
    expect(YAML.parse(findObject(objects, 'ConfigMap', 'grafana-datasources').data['datasources.yaml'])).toEqual({
      apiVersion: 1,
      datasources: [{ name: 'Prometheus', type: 'prometheus', uid: 'prometheus', url: 'http://prometheus-server:9090', access: 'proxy', isDefault: true, editable: false }],
    });
    const cm = findObject(objects, 'ConfigMap', 'grafana-dashboard-d1');
    expect(JSON.parse(cm.data['d1.json']).uid).toBe('d1');
    expect(cm.metadata.labels?.grafana_dashboard).toBeUndefined();
  });

  test('labels ConfigMaps for the kube-prometheus-stack sidecar with the extra labels', () => {
    const c = testChart();
    new GrafanaProvisioning(c, 'G', { partOf: 'ecommerce', datasources: [prometheus], dashboards: [dashboard()], sidecarLabels: true, extraLabels: { release: 'kps' } });
    const objects = synthChart(c);
    expect(findObject(objects, 'ConfigMap', 'grafana-dashboard-d1').metadata.labels).toMatchObject({ grafana_dashboard: '1', release: 'kps' });
    expect(findObject(objects, 'ConfigMap', 'grafana-datasources').metadata.labels).toMatchObject({ grafana_datasource: '1', release: 'kps' });
  });

  test('rejects a dashboard whose datasource is not provisioned', () => {
    expect(() => new GrafanaProvisioning(testChart(), 'G', { partOf: 'ecommerce', datasources: [{ ...prometheus, uid: 'other' }], dashboards: [dashboard()] }))
      .toThrow('[test/G] dashboards.d1: panel "S" uses datasource "prometheus", which is not provisioned');
  });

  test('rejects a datasource UID used twice and a bad URL', () => {
    expect(() => new GrafanaProvisioning(testChart(), 'G', { partOf: 'ecommerce', datasources: [prometheus, { ...prometheus, isDefault: false }], dashboards: [] }))
      .toThrow('[test/G] datasources[1].uid: "prometheus" is used twice');
    expect(() => new GrafanaProvisioning(testChart(), 'G', { partOf: 'ecommerce', datasources: [{ ...prometheus, url: 'prometheus:9090' }], dashboards: [] }))
      .toThrow('[test/G] datasources[0].url: must be an http(s) URL, got "prometheus:9090"');
  });
});
