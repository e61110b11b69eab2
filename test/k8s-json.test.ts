import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as generated from '../lib/render/private/generated/k8s-json';
import { serializeApiObject } from '../lib/render/private/l1-serializer';
import { generateK8sJson, K8sMappers, parseK8sMappers } from '../scripts/k8s-json-generator';

const plusDir = path.dirname(require.resolve('cdk8s-plus-28/package.json'));
const source = fs.readFileSync(path.join(plusDir, 'lib', 'imports', 'k8s.js'), 'utf8');
const version = (JSON.parse(fs.readFileSync(path.join(plusDir, 'package.json'), 'utf8')) as { version: string }).version;
const model: K8sMappers = parseK8sMappers(source);

type Mapper = (obj: unknown) => unknown;
const stock = kplus.k8s as unknown as { [name: string]: Mapper };
const fast = generated as unknown as { [name: string]: Mapper };

/** JSON that also shows keys holding undefined, and key order. */
function show(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v === undefined ? '<undefined>' : v));
}

/** A small seeded generator, so that a failing case can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random input for a mapper: every field present or not, values of the shapes the mapper expects, and extras. */
function inputFor(mapper: string, next: () => number, depth: number): unknown {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const scalar = (): unknown => pick(['text', 'Ready', '', 0, 8080, 0.5, true, false, null, undefined]);
  const union = (): unknown => pick([{ value: 80 }, { value: 'http' }, { value: '250m' }, 3, undefined]);
  const nested = (name: string): unknown => (depth >= 3 ? undefined : inputFor(name, next, depth + 1));
  const map = (value: () => unknown): unknown => {
    const result: { [key: string]: unknown } = {};
    for (const key of ['b', 'a', '10', 'app.kubernetes.io/name', 'gone']) {
      if (next() < 0.6) {
        result[key] = key === 'gone' ? undefined : value();
      }
    }
    if (next() < 0.1) {
      Object.defineProperty(result, '__proto__', { value: value(), enumerable: true, writable: true, configurable: true });
    }
    return result;
  };
  const obj: { [key: string]: unknown } = {};
  for (const field of model.mappers.get(mapper) ?? []) {
    if (next() < 0.3) {
      continue;
    }
    const property = /obj\.(\w+)/.exec(field.expression)![1];
    const call = /toJson_\w+/.exec(field.expression)?.[0];
    const e = field.expression;
    obj[property] = e.includes('Object.entries')
      ? map(() => (e.includes('[i[0]]: i[1]?.value') ? union()
        : e.includes('[i[0]]: i[1]?.map') ? [scalar(), scalar()]
          : call !== undefined ? nested(call) : scalar()))
      : e.endsWith('?.value') ? union()
        : e.endsWith('?.toISOString()') ? pick([new Date(Date.UTC(2026, 10, 23)), undefined])
          : e.includes('?.map(y => y)') ? pick([[scalar(), scalar()], [], undefined])
            : e.includes('?.map(y => toJson_') ? pick([[nested(call!), nested(call!)], [], undefined])
              : call !== undefined ? nested(call) : scalar();
  }
  obj.notAField = 'dropped by both';
  return obj;
}

describe('generated one-pass L1 mappers', () => {
  test('the committed file is what the generator makes of the installed cdk8s-plus-28', () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', 'lib', 'render', 'private', 'generated', 'k8s-json.ts'), 'utf8');
    expect(committed === generateK8sJson(source, version)).toBe(true);
    expect(generated.CDK8S_PLUS_VERSION).toBe(version);
  });

  test('cover every mapper and L1 class of cdk8s-plus-28', () => {
    expect(model.mappers.size).toBeGreaterThan(400);
    expect(model.classes.size).toBeGreaterThan(100);
    for (const name of model.mappers.keys()) {
      expect([name, typeof fast[name], typeof stock[name]]).toEqual([name, 'function', 'function']);
    }
    expect(Object.keys(generated.L1_MAPPERS).sort()).toEqual([...model.classes.keys()].sort());
  });

  test('return exactly what cdk8s-plus-28 returns, key order and undefined members included, on random inputs', () => {
    const next = random(20261123);
    let compared = 0;
    for (const name of model.mappers.keys()) {
      for (let i = 0; i < 6; i++) {
        const input = inputFor(name, next, 0);
        expect([name, show(fast[name](input))]).toEqual([name, show(stock[name](input))]);
        compared++;
      }
      expect(fast[name](undefined)).toBeUndefined();
    }
    expect(compared).toBe(model.mappers.size * 6);
  });

  test('reject a mapper shape they were not written for', () => {
    const changed = source.replace("'minReadySeconds': obj.minReadySeconds,", "'minReadySeconds': obj.minReadySeconds ?? 0,");
    expect(changed).not.toBe(source);
    expect(() => parseK8sMappers(changed)).toThrow('toJson_DaemonSetSpec.minReadySeconds: unknown value "obj.minReadySeconds ?? 0"');
    const otherGvk = source.replace(/(toJson\(\) \{\n\s*const resolved = super\.toJson\(\);\n\s*return \{\n\s*\.\.\.)KubeDeployment\.GVK/, '$1KubeDaemonSet.GVK');
    expect(otherGvk).not.toBe(source);
    expect(() => parseK8sMappers(otherGvk)).toThrow('KubeDeployment: toJson() is not the L1 shape this generator knows');
  });
});

describe('serializeApiObject', () => {
  const chart = (): Chart => new Chart(new App(), 'test', { namespace: 'ecommerce' });

  test('renders an L1 object exactly as its toJson() does, unions and patches included', () => {
    const scope = chart();
    const budget = new kplus.k8s.KubePodDisruptionBudget(scope, 'Budget', {
      metadata: { name: 'web' },
      spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: { app: 'web' } } },
    });
    budget.addJsonPatch(JsonPatch.add('/spec/minAvailable', kplus.k8s.IntOrString.fromString('50%')));
    const stockToJson = jest.spyOn(kplus.k8s.KubePodDisruptionBudget.prototype, 'toJson');
    const rendered = serializeApiObject(budget);
    expect(stockToJson).not.toHaveBeenCalled();
    stockToJson.mockRestore();
    expect(show(rendered)).toBe(show(budget.toJson()));
    expect(rendered).toMatchObject({ kind: 'PodDisruptionBudget', spec: { maxUnavailable: 1, minAvailable: '50%' } });
  });

  test('leaves other objects, and subclasses with their own toJson, to their toJson()', () => {
    const scope = chart();
    const plain = new ApiObject(scope, 'Plain', { apiVersion: 'v1', kind: 'Thing', spec: { a: 1 } });
    class Tagged extends kplus.k8s.KubeConfigMap {
      public toJson(): { [key: string]: unknown } {
        return { ...super.toJson(), tagged: true };
      }
    }
    const tagged = new Tagged(scope, 'Tagged', { data: { a: 'b' } });
    expect(serializeApiObject(plain)).toEqual(plain.toJson());
    expect(serializeApiObject(tagged)).toMatchObject({ kind: 'ConfigMap', data: { a: 'b' }, tagged: true });
  });
});
