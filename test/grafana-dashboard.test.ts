import { Duration } from 'cdk8s';
import { GrafanaDashboard, PROMETHEUS_DATASOURCE } from '../lib/observability/grafana-dashboard';
import { promqlErrors } from './promql';

function dashboard(): GrafanaDashboard {
  return new GrafanaDashboard({ uid: 'test', title: 'Test' });
}

describe('GrafanaDashboard', () => {
  test('lays panels out left to right, wrapping at 24 columns, rows on a line of their own', () => {
    const d = dashboard();
    d.addRow('First');
    const a = d.addTimeseries({ title: 'A', queries: [{ expr: 'up' }] });
    const b = d.addStat({ title: 'B', width: 6, queries: [{ expr: 'up' }] });
    const c = d.addTimeseries({ title: 'C', width: 12, height: 4, queries: [{ expr: 'up' }] });
    const row = d.addRow('Second');
    expect(a.gridPos).toEqual({ x: 0, y: 1, w: 12, h: 8 });
    expect(b.gridPos).toEqual({ x: 12, y: 1, w: 6, h: 8 });
    expect(c.gridPos).toEqual({ x: 0, y: 9, w: 12, h: 4 });
    expect(row.gridPos).toEqual({ x: 0, y: 13, w: 24, h: 1 });
  });

  test('assigns unique ids in order and letters queries A, B, ...', () => {
    const d = dashboard();
    d.addRow('Row');
    const p = d.addTimeseries({ title: 'T', queries: [{ expr: 'up' }, { expr: 'up == 0', legendFormat: '{{pod}}' }] });
    expect(d.panels.map((x) => x.id)).toEqual([1, 2]);
    expect(p.targets).toEqual([
      { refId: 'A', datasource: PROMETHEUS_DATASOURCE, expr: 'up', range: true },
      { refId: 'B', datasource: PROMETHEUS_DATASOURCE, expr: 'up == 0', legendFormat: '{{pod}}', range: true },
    ]);
  });

  test('renders current panel types with unit and thresholds in fieldConfig', () => {
    const d = dashboard();
    const p = d.addStat({ title: 'S', unit: 'percent', thresholds: [{ colour: 'green' }, { value: 10, colour: 'red' }], queries: [{ expr: 'up' }] });
    expect(p.type).toBe('stat');
    expect(p.fieldConfig).toEqual({
      defaults: {
        unit: 'percent',
        color: { mode: 'thresholds' },
        thresholds: { mode: 'absolute', steps: [{ color: 'green', value: null }, { color: 'red', value: 10 }] },
      },
      overrides: [],
    });
    expect(d.addTimeseries({ title: 'T', axisLabel: 'Seconds', queries: [{ expr: 'up' }] }).type).toBe('timeseries');
    const json = d.toJson();
    expect(json).toMatchObject({ uid: 'test', title: 'Test', schemaVersion: 39, editable: false });
    expect(JSON.stringify(json)).not.toContain('"graph"');
  });

  test('lists every expression with its panel', () => {
    const d = dashboard();
    d.addStat({ title: 'S', queries: [{ expr: 'sum(up)' }] });
    expect(d.expressions()).toEqual([{ panel: 'S', expr: 'sum(up)' }]);
    expect(promqlErrors('sum(up)')).toEqual([]);
    expect(promqlErrors('sum(up')).not.toEqual([]);
  });

  test('writes refresh and the time range as Grafana does, and takes only what Grafana can write', () => {
    const model = (d: GrafanaDashboard) => d.toJson() as { refresh: string; time: { from: string; to: string } };
    expect(model(new GrafanaDashboard({ uid: 'd', title: 'D' }))).toMatchObject({ refresh: '30s', time: { from: 'now-6h', to: 'now' } });
    expect(model(new GrafanaDashboard({ uid: 'd', title: 'D', refresh: Duration.minutes(1), timeRange: Duration.days(7) })))
      .toMatchObject({ refresh: '1m', time: { from: 'now-7d', to: 'now' } });
    expect(() => new GrafanaDashboard({ uid: 'd', title: 'D', refresh: Duration.seconds(90) }))
      .toThrow('[dashboard "d"] refresh: must be whole seconds, minutes, hours or days in one unit, as Grafana writes it, got 1m30s');
    expect(() => new GrafanaDashboard({ uid: 'd', title: 'D', timeRange: 'now-6h' as never }))
      .toThrow('[dashboard "d"] timeRange: ');
  });

  test('rejects a bad uid', () => {
    expect(() => new GrafanaDashboard({ uid: 'not ok', title: 'x' })).toThrow('[dashboard "not ok"] uid: must be 1 to 40 letters, digits, \'-\' or \'_\', got "not ok"');
  });

  test('rejects a panel wider than the grid', () => {
    expect(() => dashboard().addStat({ title: 'S', width: 25, queries: [{ expr: 'up' }] }))
      .toThrow('[dashboard "test"] panel "S".width: must be an integer from 1 to 24, got 25');
  });

  test('rejects a panel without queries or with an empty one', () => {
    expect(() => dashboard().addStat({ title: 'S', queries: [] })).toThrow('[dashboard "test"] panel "S".queries: must hold at least one query');
    expect(() => dashboard().addStat({ title: 'S', queries: [{ expr: ' ' }] })).toThrow('[dashboard "test"] panel "S".queries[0].expr: required, got ""');
  });

  test('rejects thresholds out of order or with a value on the base step', () => {
    expect(() => dashboard().addStat({ title: 'S', queries: [{ expr: 'up' }], thresholds: [{ colour: 'green' }, { value: 10, colour: 'yellow' }, { value: 5, colour: 'red' }] }))
      .toThrow('[dashboard "test"] panel "S".thresholds[2].value: must be greater than the previous step (10), got 5');
    expect(() => dashboard().addStat({ title: 'S', queries: [{ expr: 'up' }], thresholds: [{ value: 1, colour: 'green' }] }))
      .toThrow('[dashboard "test"] panel "S".thresholds[0].value: the first step has no value (it starts at minus infinity)');
  });
});
