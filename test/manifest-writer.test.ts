import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { removeStaleStaging, renderCharts, writeFoldersAtomically } from '../lib/render/manifest-writer';

describe('renderCharts', () => {
  test('writes one file per chart, named after the chart id, sorted', () => {
    const root = new Construct(new App(), 'prod');
    new Chart(root, 'WebTier');
    new kplus.ConfigMap(new Chart(root, 'Data'), 'C', { metadata: { name: 'c' } });
    expect(renderCharts(root).map((f) => f.fileName)).toEqual(['data.k8s.yaml', 'web-tier.k8s.yaml']);
  });

  test('rejects two objects of the same kind, namespace and name, naming both constructs', () => {
    const root = new Construct(new App(), 'prod');
    const chart = new Chart(root, 'Web', { namespace: 'ecommerce' });
    new kplus.ConfigMap(chart, 'First', { metadata: { name: 'laravel-config' } });
    new kplus.ConfigMap(chart, 'Second', { metadata: { name: 'laravel-config' } });
    expect(() => renderCharts(root)).toThrow('[prod/Web/Second] metadata.name: duplicate ConfigMap "ecommerce/laravel-config", already rendered by prod/Web/First');
  });

  test('allows the same name for different kinds or namespaces', () => {
    const root = new Construct(new App(), 'prod');
    new kplus.ConfigMap(new Chart(root, 'A', { namespace: 'a' }), 'C', { metadata: { name: 'same' } });
    new kplus.ConfigMap(new Chart(root, 'B', { namespace: 'b' }), 'C', { metadata: { name: 'same' } });
    new kplus.ServiceAccount(new Chart(root, 'D', { namespace: 'a' }), 'S', { metadata: { name: 'same' } });
    expect(renderCharts(root)).toHaveLength(3);
  });

  test('reports every failed construct validation with its path', () => {
    const root = new Construct(new App(), 'prod');
    const chart = new Chart(root, 'Web');
    chart.node.addValidation({ validate: () => ['first problem'] });
    new Construct(chart, 'Child').node.addValidation({ validate: () => ['second problem'] });
    expect(() => renderCharts(root)).toThrow('[prod] validation: 2 problem(s):\n  [prod/Web] first problem\n  [prod/Web/Child] second problem');
  });
});

describe('renderCharts object order', () => {
  /** Renders `root` and also asks cdk8s for each chart's objects, to compare the two. */
  function renderBothWays(root: Construct) {
    const files = renderCharts(root);
    const charts = root.node.findAll().filter((c): c is Chart => Chart.isChart(c));
    const stock = new Map(charts.map((chart) => [chart.node.id.toLowerCase(), JSON.stringify(chart.toJson())]));
    return { files, stock };
  }

  test('without dependencies: tree order, the same objects as cdk8s renders', () => {
    const root = new Construct(new App(), 'prod');
    const chart = new Chart(root, 'Web', { namespace: 'ecommerce' });
    const group = new Construct(chart, 'Group');
    new kplus.ConfigMap(group, 'B', { metadata: { name: 'b' } });
    new kplus.Deployment(chart, 'A', { containers: [{ image: 'nginx:1.27', portNumber: 8080 }] }).exposeViaService();
    const { files, stock } = renderBothWays(root);
    expect(files[0].objects.map((o) => o.kind)).toEqual(['ConfigMap', 'Deployment', 'Service']);
    expect(files[0].constructPaths).toEqual(['prod/Web/Group/B', 'prod/Web/A', 'prod/Web/A/Service']);
    expect(JSON.stringify(files[0].objects)).toBe(stock.get('web'));
  });

  test('with a dependency: the order cdk8s derives from it', () => {
    const root = new Construct(new App(), 'prod');
    const chart = new Chart(root, 'Web', { namespace: 'ecommerce' });
    const first = new kplus.ConfigMap(chart, 'First', { metadata: { name: 'first' } });
    const second = new kplus.ConfigMap(chart, 'Second', { metadata: { name: 'second' } });
    first.node.addDependency(second);
    const { files, stock } = renderBothWays(root);
    expect(files[0].objects.map((o) => (o.metadata as { name: string }).name)).toEqual(['second', 'first']);
    expect(files[0].constructPaths).toEqual(['prod/Web/Second', 'prod/Web/First']);
    expect(JSON.stringify(files[0].objects)).toBe(stock.get('web'));
  });

  test('with dependencies between groups, across charts and on cdk8s-plus resources: the order cdk8s derives', () => {
    const root = new Construct(new App(), 'prod');
    const web = new Chart(root, 'Web', { namespace: 'ecommerce' });
    const data = new Chart(root, 'Data', { namespace: 'ecommerce' });
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const groups = [new Construct(web, 'G1'), new Construct(web, 'G2'), new Construct(web, 'G3')];
    const maps = names.map((name, i) => new kplus.ConfigMap(groups[i % 3], name.toUpperCase(), { metadata: { name } }));
    const shared = new kplus.ConfigMap(data, 'Shared', { metadata: { name: 'shared' } });
    // A small DAG: group on group, object on group, object on object, and one edge into another chart.
    groups[0].node.addDependency(groups[2]);
    maps[1].node.addDependency(groups[2]);
    maps[7].node.addDependency(maps[4], maps[0]);
    maps[3].node.addDependency(shared);
    const account = new kplus.ServiceAccount(web, 'Account', { metadata: { name: 'runner' } });
    new kplus.Deployment(groups[1], 'Runner', { serviceAccount: account, containers: [{ image: 'nginx:1.27', portNumber: 8080, volumeMounts: [] }] });
    const { files, stock } = renderBothWays(root);
    expect(JSON.stringify(files.find((f) => f.fileName === 'web.k8s.yaml')!.objects)).toBe(stock.get('web'));
    expect(JSON.stringify(files.find((f) => f.fileName === 'data.k8s.yaml')!.objects)).toBe(stock.get('data'));
    // Not tree order: G1's objects wait for G3's.
    const order = files.find((f) => f.fileName === 'web.k8s.yaml')!.objects.map((o) => `${String(o.kind)}/${(o.metadata as { name: string }).name}`);
    expect(order.indexOf('ConfigMap/c')).toBeLessThan(order.indexOf('ConfigMap/a'));
  });

  test('with a dependency cycle: cdk8s reports it', () => {
    const root = new Construct(new App(), 'prod');
    const chart = new Chart(root, 'Web', { namespace: 'ecommerce' });
    const first = new kplus.ConfigMap(chart, 'First', { metadata: { name: 'first' } });
    const second = new kplus.ConfigMap(chart, 'Second', { metadata: { name: 'second' } });
    first.node.addDependency(second);
    second.node.addDependency(first);
    expect(() => renderCharts(root)).toThrow(/Dependency cycle detected/);
  });

  test('with a chart inside a chart: each object in its closest chart, ordered by cdk8s', () => {
    const root = new Construct(new App(), 'prod');
    const outer = new Chart(root, 'Outer');
    new kplus.ConfigMap(outer, 'O', { metadata: { name: 'o' } });
    new kplus.ConfigMap(new Chart(outer, 'Inner'), 'I', { metadata: { name: 'i' } });
    const { files, stock } = renderBothWays(root);
    expect(files.map((f) => [f.fileName, f.objects.length])).toEqual([['inner.k8s.yaml', 1], ['outer.k8s.yaml', 1]]);
    expect(JSON.stringify(files[1].objects)).toBe(stock.get('outer'));
  });

  test('with other trees in the app: validated as cdk8s validates the whole app', () => {
    const app = new App();
    const root = new Construct(app, 'prod');
    new kplus.ConfigMap(new Chart(root, 'Web'), 'C', { metadata: { name: 'c' } });
    const elsewhere = new Construct(app, 'elsewhere');
    expect(renderBothWays(root).files.map((f) => f.fileName)).toEqual(['web.k8s.yaml']);
    elsewhere.node.addValidation({ validate: () => ['not ready'] });
    expect(() => renderCharts(root)).toThrow('[elsewhere] not ready');
  });
});

describe('writeFoldersAtomically', () => {
  const file = (fileName: string, content: string) => ({ fileName, content, objects: [] });

  test('replaces each folder with exactly the new files and leaves no temporary folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writer-'));
    fs.mkdirSync(path.join(dir, 'prod'));
    fs.writeFileSync(path.join(dir, 'prod', 'stale.k8s.yaml'), 'old');
    writeFoldersAtomically(dir, new Map([['prod', [file('web.k8s.yaml', 'new\n')]]]));
    expect(fs.readdirSync(dir)).toEqual(['prod']);
    expect(fs.readdirSync(path.join(dir, 'prod'))).toEqual(['web.k8s.yaml']);
    expect(fs.readFileSync(path.join(dir, 'prod', 'web.k8s.yaml'), 'utf8')).toBe('new\n');
  });

  test('a failure while writing leaves the previous folders untouched', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writer-'));
    fs.mkdirSync(path.join(dir, 'prod'));
    fs.writeFileSync(path.join(dir, 'prod', 'web.k8s.yaml'), 'old');
    const bad = new Map([['prod', [file('web.k8s.yaml', 'new')]], ['dev', [file('nested/../../../escape\0.k8s.yaml', 'x')]]]);
    expect(() => writeFoldersAtomically(dir, bad)).toThrow();
    expect(fs.readdirSync(dir)).toEqual(['prod']);
    expect(fs.readFileSync(path.join(dir, 'prod', 'web.k8s.yaml'), 'utf8')).toBe('old');
  });
});

describe('removeStaleStaging', () => {
  test('removes the staging folders of dead processes and old unnamed ones, keeps those of running writes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writer-'));
    const make = (name: string) => fs.mkdirSync(path.join(dir, name, 'prod'), { recursive: true });
    // 999999999 is above any Linux pid_max: no such process can run.
    make('.synth-999999999-aaaaaa');
    make(`.synth-${process.pid}-bbbbbb`);
    make(`.synth-${process.ppid}-cccccc`);
    make('.synth-dddddd');
    make('.synth-eeeeee');
    const old = new Date(Date.now() - 3600 * 1000);
    fs.utimesSync(path.join(dir, '.synth-dddddd'), old, old);
    make('prod');
    expect(removeStaleStaging(dir).sort()).toEqual(['.synth-999999999-aaaaaa', '.synth-dddddd']);
    expect(fs.readdirSync(dir).sort()).toEqual([`.synth-${process.pid}-bbbbbb`, `.synth-${process.ppid}-cccccc`, '.synth-eeeeee', 'prod'].sort());
  });

  test('a write removes the staging folders of dead processes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'writer-'));
    fs.mkdirSync(path.join(dir, '.synth-999999999-aaaaaa'));
    writeFoldersAtomically(dir, new Map([['prod', [{ fileName: 'web.k8s.yaml', content: 'new\n', objects: [] }]]]));
    expect(fs.readdirSync(dir)).toEqual(['prod']);
  });
});
