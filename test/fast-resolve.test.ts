import { ApiObject, App, Chart, IResolver, Lazy, ResolutionContext } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { withFastResolution } from '../lib/render/private/fast-resolve';
import { renderCharts } from '../lib/render/manifest-writer';
import { ENVIRONMENTS, EnvironmentName } from '../stacks/config';
import { buildEnvironment } from '../stacks/platform';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cdk8sResolve = require('cdk8s/lib/resolve') as { resolve: unknown };

describe('withFastResolution', () => {
  test.each(Object.keys(ENVIRONMENTS) as EnvironmentName[])('renderCharts renders %s object for object as cdk8s does', (name) => {
    const root = buildEnvironment(new App(), ENVIRONMENTS[name]).root;
    const chartToJson = jest.spyOn(Chart.prototype, 'toJson');
    const files = renderCharts(root);
    // Ordered and resolved by renderCharts itself, not by cdk8s' per-chart synthesis.
    expect(chartToJson).not.toHaveBeenCalled();
    chartToJson.mockRestore();
    const charts = root.node.findAll().filter((c): c is Chart => Chart.isChart(c));
    expect(charts.length).toBeGreaterThan(5);
    for (const chart of charts) {
      const fileName = `${chart.node.id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}.k8s.yaml`;
      const rendered = files.find((f) => f.fileName === fileName);
      expect(JSON.stringify(rendered?.objects)).toBe(JSON.stringify(chart.toJson()));
    }
  });

  test('resolves Lazy values, implicit tokens and number/string unions as cdk8s does', () => {
    const chart = new Chart(new App(), 'test');
    const token = { resolve: () => ({ nested: Lazy.any({ produce: () => 'from-token' }) }) };
    new ApiObject(chart, 'Thing', {
      apiVersion: 'v1',
      kind: 'Thing',
      spec: {
        lazy: Lazy.any({ produce: () => ({ b: 2, a: [1, null, Lazy.any({ produce: () => 'x' })] }) }),
        token,
        port: kplus.k8s.IntOrString.fromNumber(8080),
        quantity: kplus.k8s.Quantity.fromString('250m'),
        dropped: undefined,
        kept: [undefined, 0, '', false],
      },
    });
    const stock = JSON.stringify(chart.toJson());
    expect(JSON.stringify(withFastResolution(() => chart.toJson()))).toBe(stock);
    expect(stock).toContain('"token":{"nested":"from-token"}');
    expect(stock).toContain('"port":{"value":8080}');
  });

  test('takes over from cdk8s for an app with the built-in resolvers only', () => {
    const stock = cdk8sResolve.resolve as (...args: unknown[]) => unknown;
    const spy = jest.fn((...args: unknown[]) => stock(...args));
    cdk8sResolve.resolve = spy;
    try {
      const builtIn = new Chart(new App(), 'test');
      new ApiObject(builtIn, 'Thing', { apiVersion: 'v1', kind: 'Thing', data: { word: 'plain' } });
      withFastResolution(() => builtIn.toJson());
      expect(spy).not.toHaveBeenCalled();
      const custom = new Chart(new App({ resolvers: [{ resolve: () => undefined }] }), 'test');
      new ApiObject(custom, 'Thing', { apiVersion: 'v1', kind: 'Thing', data: { word: 'plain' } });
      withFastResolution(() => custom.toJson());
      expect(spy).toHaveBeenCalled();
    } finally {
      cdk8sResolve.resolve = stock;
    }
  });

  test('leaves an app with its own resolvers to cdk8s', () => {
    const upper: IResolver = {
      resolve: (context: ResolutionContext) => {
        if (context.value === 'shout') {
          context.replaceValue('SHOUT');
        }
      },
    };
    const chart = new Chart(new App({ resolvers: [upper] }), 'test');
    new ApiObject(chart, 'Thing', { apiVersion: 'v1', kind: 'Thing', data: { word: 'shout' } });
    expect(withFastResolution(() => chart.toJson())[0].data).toEqual({ word: 'SHOUT' });
  });

  test('drops null and undefined members and sorts keys as cdk8s does, at every depth', () => {
    const chart = new Chart(new App(), 'test');
    new ApiObject(chart, 'Thing', {
      apiVersion: 'v1',
      kind: 'Thing',
      metadata: { annotations: {}, labels: { z: 'last', a: 'first' } },
      spec: { zeta: { b: null, a: [null, { y: undefined, x: 1 }, []] }, alpha: {}, mid: Lazy.any({ produce: () => null }) },
    });
    const stock = JSON.stringify(chart.toJson());
    expect(JSON.stringify(withFastResolution(() => chart.toJson()))).toBe(stock);
    expect(stock).toBe('[{"apiVersion":"v1","kind":"Thing","metadata":{"labels":{"a":"first","z":"last"},"name":"test-thing-c8771490"},'
      + '"spec":{"alpha":{},"zeta":{"a":[null,{"x":1},[]]}}}]');
  });

  test('keeps key order when CDK8S_DISABLE_SORT asks for it', () => {
    const chart = new Chart(new App(), 'test');
    new ApiObject(chart, 'Thing', { apiVersion: 'v1', kind: 'Thing', data: { b: '2', a: '1' } });
    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      expect(Object.keys(withFastResolution(() => chart.toJson())[0].data)).toEqual(['b', 'a']);
    } finally {
      delete process.env.CDK8S_DISABLE_SORT;
    }
  });

  test('passes functions and objects without a prototype to cdk8s', () => {
    const render = (data: unknown): unknown => {
      const chart = new Chart(new App(), 'test');
      new ApiObject(chart, 'Thing', { apiVersion: 'v1', kind: 'Thing', data });
      return chart;
    };
    const fn = (): string => 'f';
    const withFunction = render({ fn }) as Chart;
    expect(withFastResolution(() => withFunction.toJson())[0].data.fn).toBe(withFunction.toJson()[0].data.fn);
    const bare = render({ bare: Object.create(null) }) as Chart;
    const message = (f: () => unknown): string => {
      try {
        f();
        return 'no error';
      } catch (e) {
        return String(e);
      }
    };
    expect(message(() => withFastResolution(() => bare.toJson()))).toBe(message(() => bare.toJson()));
  });

  test('rejects what cdk8s rejects, with the same message', () => {
    const chart = new Chart(new App(), 'test');
    new ApiObject(chart, 'Thing', { apiVersion: 'v1', kind: 'Thing', data: { when: new Date(0) } });
    const stock = (): unknown => chart.toJson();
    expect(stock).toThrow(/can't render non-simple object of type 'Date'/);
    expect(() => withFastResolution(stock)).toThrow(/can't render non-simple object of type 'Date'/);
  });

  test('puts cdk8s back afterwards, also when rendering throws', () => {
    const before = cdk8sResolve.resolve;
    withFastResolution(() => expect(cdk8sResolve.resolve).not.toBe(before));
    expect(() => withFastResolution(() => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(cdk8sResolve.resolve).toBe(before);
  });
});
