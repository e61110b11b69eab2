import { Construct } from 'constructs';
import { DeclaredNamespaces } from '../lib/core/declared-namespaces';
import { testChart } from './helpers';

describe('DeclaredNamespaces', () => {
  test('hands a listener the namespaces declared before and after it subscribed, each once', () => {
    const chart = testChart();
    const registry = DeclaredNamespaces.of(chart);
    registry.declare('shop');
    const seen: string[] = [];
    registry.subscribe((ns) => seen.push(ns));
    DeclaredNamespaces.of(new Construct(chart, 'Nested')).declare('batch');
    registry.declare('shop');
    expect(seen).toEqual(['shop', 'batch']);
    expect(registry.list()).toEqual(['shop', 'batch']);
  });

  test('rejects a name that is not a DNS label', () => {
    expect(() => DeclaredNamespaces.of(testChart()).declare('Shop_1')).toThrow('[test/DeclaredNamespaces] namespace: ');
  });
});
