import { ApiObject, App, Chart, IResolver, Lazy, ResolutionContext } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { withFastResolution } from '../lib/internal/fast-resolve';
import { renderCharts } from '../lib/manifest-writer';
import { ENVIRONMENTS, EnvironmentName } from '../stacks/environments';
import { buildEnvironment } from '../stacks/platform';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const cdk8sResolve = require('cdk8s/lib/resolve') as { resolve: unknown };

describe('withFastResolution', () => {
  test.each(Object.keys(ENVIRONMENTS) as EnvironmentName[])('renders %s byte for byte as cdk8s does', (name) => {
    const root = buildEnvironment(new App(), ENVIRONMENTS[name]).root;
    const files = renderCharts(root);
    const charts = root.node.findAll().filter((c): c is Chart => Chart.isChart(c));
    const stock = charts.flatMap((chart) => chart.toJson());
    const fast = charts.flatMap((chart) => withFastResolution(() => chart.toJson()));
    expect(JSON.stringify(fast)).toBe(JSON.stringify(stock));
    // renderCharts (which uses it) wrote the same objects, whatever the file order.
    expect(files.flatMap((f) => f.objects).length).toBe(stock.length);
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
