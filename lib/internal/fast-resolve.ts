import { ApiObject, App, ImplicitTokenResolver, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';

/**
 * A cheaper equivalent of cdk8s' value resolution, used while `renderCharts` serializes.
 *
 * `ApiObject.toJson()` passes the whole manifest through `resolve` from `cdk8s/lib/resolve`, which for every
 * single value walks up to the App to find its resolvers, allocates a resolution context and a key path,
 * and asks each resolver in turn. For a few thousand objects that is a large share of synth time, although
 * with cdk8s' three built-in resolvers (Lazy, implicit tokens, number/string unions) the outcome for a
 * string, number or boolean is always the value itself.
 *
 * `withFastResolution` swaps in a resolver that applies exactly those three rules, in the same order, and
 * puts the original back afterwards. It only takes over for objects whose App uses nothing but the
 * built-in resolvers; anything else (custom resolvers, values that are functions or objects without a
 * prototype) goes to the original. `test/fast-resolve.test.ts` proves the output is byte-identical to
 * cdk8s' own for every shipped environment.
 */

type Resolve = (key: string[], value: unknown, apiObject: ApiObject) => unknown;

interface ResolveModule {
  resolve: Resolve;
}

/** cdk8s' resolve module, or undefined if its layout is not the one this was written against. */
function resolveModule(): ResolveModule | undefined {
  try {
    // The module object itself, not an import binding: api-object.js reads `resolve` from it at each call.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = require('cdk8s/lib/resolve') as Partial<ResolveModule>;
    return typeof loaded.resolve === 'function' ? (loaded as ResolveModule) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether an App resolves with cdk8s' built-in resolvers only, in their built-in order. */
function usesBuiltInResolvers(app: App): boolean {
  const resolvers = app.resolvers;
  return resolvers.length === 3
    && resolvers[0] instanceof LazyResolver
    && resolvers[1] instanceof ImplicitTokenResolver
    && resolvers[2] instanceof NumberStringUnionResolver;
}

/**
 * Runs `render` with the cheaper resolution in place and returns its result.
 *
 * Synchronous by design: the swap is visible to nothing but `render`.
 */
export function withFastResolution<T>(render: () => T): T {
  const module = resolveModule();
  if (module === undefined) {
    return render();
  }
  const original = module.resolve;
  const builtInOnly = new WeakMap<App, boolean>();

  const resolveValue = (value: unknown, apiObject: ApiObject): unknown => {
    if (value === null || value === undefined) {
      return value;
    }
    if (typeof value !== 'object') {
      // Primitives pass through every built-in resolver unchanged; functions keep the original rules.
      return typeof value === 'function' ? original([], value, apiObject) : value;
    }
    // Same order as the built-in resolvers: Lazy, implicit token, number/string union.
    if (value instanceof Lazy) {
      return resolveValue(value.produce(), apiObject);
    }
    const candidate = value as { resolve?: unknown; value?: unknown; constructor?: unknown };
    if (typeof candidate.resolve === 'function') {
      return resolveValue((candidate.resolve as () => unknown).call(value), apiObject);
    }
    const constructor = candidate.constructor;
    if (constructor === Object) {
      const result: { [key: string]: unknown } = {};
      for (const key of Object.keys(value)) {
        result[key] = resolveValue((value as { [key: string]: unknown })[key], apiObject);
      }
      return result;
    }
    if (constructor === undefined || constructor === null) {
      return original([], value, apiObject);
    }
    const inner = candidate.value;
    if (typeof inner === 'number' || typeof inner === 'string') {
      return { value: inner };
    }
    if (Array.isArray(value)) {
      return value.map((item) => resolveValue(item, apiObject));
    }
    return value;
  };

  const takesOver = (apiObject: ApiObject): boolean => {
    // App.of returns the tree's root, which is not necessarily an App.
    const app: unknown = App.of(apiObject);
    if (!(app instanceof App)) {
      return false;
    }
    let builtIn = builtInOnly.get(app);
    if (builtIn === undefined) {
      builtIn = usesBuiltInResolvers(app);
      builtInOnly.set(app, builtIn);
    }
    return builtIn;
  };

  module.resolve = (key, value, apiObject) => (takesOver(apiObject) ? resolveValue(value, apiObject) : original(key, value, apiObject));
  try {
    return render();
  } finally {
    module.resolve = original;
  }
}
