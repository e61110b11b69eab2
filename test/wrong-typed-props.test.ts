/**
 * Every public construct, fed props of the wrong type the way a JavaScript caller or an `as any` can, fails
 * with a `ValidationError` naming the field: never a `TypeError` from inside cdk8s or a serialization error.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ValidationError } from '../lib';
import { renderCharts } from '../lib/render/manifest-writer';
import { FIXTURES, Fixture, Props, chart, lib } from './construct-fixtures';

/** Values of another type than `valid`, as a JavaScript caller could pass them. */
function wrongValues(valid: unknown): unknown[] {
  if (typeof valid === 'string') {
    return [42, ['x']];
  }
  if (typeof valid === 'number') {
    return [String(valid), NaN, Infinity];
  }
  if (typeof valid === 'boolean') {
    return [String(valid), 1];
  }
  if (Array.isArray(valid)) {
    return ['x', [typeof valid[0] === 'number' ? 'x' : 42]];
  }
  return ['x', 42];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/** Every props object with one field (top-level or nested in a plain object or array) replaced by a wrong value. */
function mutations(props: Props): Array<{ path: string; props: Props }> {
  const out: Array<{ path: string; props: Props }> = [];
  const walk = (value: unknown, path: string, replace: (v: unknown) => Props) => {
    for (const wrong of wrongValues(value)) {
      out.push({ path: `${path} = ${String(JSON.stringify(wrong) ?? wrong)}`, props: replace(wrong) });
    }
    if (isPlainObject(value)) {
      for (const key of Object.keys(value)) {
        walk(value[key], `${path}.${key}`, (v) => replace({ ...value, [key]: v }));
      }
    } else if (Array.isArray(value) && value.length > 0) {
      walk(value[0], `${path}[0]`, (v) => replace([v, ...value.slice(1)]));
    }
  };
  for (const key of Object.keys(props)) {
    walk(props[key], key, (v) => ({ ...props, [key]: v }));
  }
  return out;
}

/** What creating and rendering `props` throws, or `undefined`. */
function outcome(fixture: Fixture, props: (c: Chart) => Props): unknown {
  try {
    const c = chart();
    fixture.create(c, props(c));
    renderCharts(c.node.root);
    return undefined;
  } catch (error) {
    return error;
  }
}

const CONSTRUCT_CLASSES = Object.entries(lib)
  .filter(([, v]) => typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof Construct)
  .map(([name]) => name)
  .sort();

describe('wrong-typed props', () => {
  test('every exported construct class has a fixture', () => {
    expect(CONSTRUCT_CLASSES.length).toBeGreaterThan(30);
    expect(CONSTRUCT_CLASSES.filter((name) => FIXTURES[name] === undefined)).toEqual([]);
  });

  test.each(Object.keys(FIXTURES).sort())('%s accepts its fixture', (name) => {
    expect(outcome(FIXTURES[name], FIXTURES[name].props)).toBeUndefined();
  });

  test.each(Object.keys(FIXTURES).sort())('%s rejects every wrong-typed field with a ValidationError', (name) => {
    const fixture = FIXTURES[name];
    const sample = fixture.props(chart());
    const cases = [
      ...mutations(sample).map((m) => ({ path: m.path, props: (c: Chart) => mutations(fixture.props(c)).find((x) => x.path === m.path)!.props })),
      ...(fixture.propsAre === 'arguments' ? [] : [{ path: 'props = "x"', props: () => 'x' as unknown as Props }]),
      ...(fixture.propsAre === undefined ? [{ path: 'props = undefined', props: () => undefined as unknown as Props }] : []),
    ];
    expect(cases.length).toBeGreaterThan(0);
    const failures = cases.flatMap(({ path, props }) => {
      const error = outcome(fixture, props);
      return error instanceof ValidationError ? [] : [`${path}: ${error === undefined ? 'accepted' : `${(error as Error).name}: ${(error as Error).message.split('\n')[0]}`}`];
    });
    expect(failures).toEqual([]);
  });
});
