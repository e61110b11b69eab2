import { ApiObject, App, ImplicitTokenResolver, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';

/**
 * A cheaper equivalent of the first steps of `ApiObject.toJson()`, used while `renderCharts` serializes.
 *
 * `ApiObject.toJson()` runs `sanitizeValue(resolve([], manifest, this), { sortKeys })` from cdk8s' internal
 * modules `cdk8s/lib/_util` and `cdk8s/lib/resolve`. `resolve` walks up to the App for every single value
 * to find its resolvers, allocates a resolution context and a key path, and asks each resolver in turn;
 * `sanitizeValue` then copies the result once more to sort keys and drop empty values. For a few thousand
 * objects that is a large share of synth time, although with cdk8s' three built-in resolvers (Lazy,
 * implicit tokens, number/string unions) the outcome for a string, number or boolean is always the value
 * itself.
 *
 * `withFastResolution` swaps in one pass that applies exactly those resolver rules, in the same order,
 * and sanitizes as it goes (sorted keys, no null or undefined members); `sanitizeValue` then returns such
 * an already sanitized manifest as it is. Both originals are put back afterwards. The pass only takes over
 * for objects whose App uses nothing but the built-in resolvers, and not at all when `CDK8S_DISABLE_SORT`
 * asks cdk8s to keep key order; anything unusual (custom resolvers, functions, objects without a prototype,
 * class instances cdk8s refuses to render) goes through the originals. `test/fast-resolve.test.ts` proves
 * the output is identical to cdk8s' own for every shipped environment and for each of those cases.
 */

type Resolve = (key: string[], value: unknown, apiObject: ApiObject) => unknown;
type Sanitize = (value: unknown, options?: SanitizeOptions) => unknown;

interface SanitizeOptions {
  readonly filterEmptyObjects?: boolean;
  readonly filterEmptyArrays?: boolean;
  readonly sortKeys?: boolean;
}

interface Cdk8sInternals {
  readonly resolveModule: { resolve: Resolve };
  readonly utilModule: { sanitizeValue: Sanitize };
}

/** cdk8s' resolve and sanitize modules, or undefined if their layout is not the one this was written against. */
function cdk8sInternals(): Cdk8sInternals | undefined {
  try {
    // The module objects themselves, not import bindings: api-object.js and metadata.js read `resolve`
    // and `sanitizeValue` from them at each call.
    /* eslint-disable @typescript-eslint/no-require-imports */
    const resolveModule = require('cdk8s/lib/resolve') as Partial<Cdk8sInternals['resolveModule']>;
    const utilModule = require('cdk8s/lib/_util') as Partial<Cdk8sInternals['utilModule']>;
    /* eslint-enable @typescript-eslint/no-require-imports */
    return typeof resolveModule.resolve === 'function' && typeof utilModule.sanitizeValue === 'function'
      ? { resolveModule: resolveModule as Cdk8sInternals['resolveModule'], utilModule: utilModule as Cdk8sInternals['utilModule'] }
      : undefined;
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
  const internals = cdk8sInternals();
  if (internals === undefined || process.env.CDK8S_DISABLE_SORT) {
    return render();
  }
  const { resolveModule, utilModule } = internals;
  const originalResolve = resolveModule.resolve;
  const originalSanitize = utilModule.sanitizeValue;
  const builtInOnly = new WeakMap<App, boolean>();
  // Manifests this pass produced: already what `sanitizeValue(..., { sortKeys: true })` would make of them.
  const sanitized = new WeakSet<object>();

  /** What cdk8s makes of `value`: its resolution, sanitized with sorted keys. */
  const bothOriginals = (value: unknown, apiObject: ApiObject): unknown =>
    originalSanitize(originalResolve([], value, apiObject), { sortKeys: true });

  /** `sanitizeValue(resolve([], value), { sortKeys: true })` in one pass. */
  const resolveSanitized = (value: unknown, apiObject: ApiObject): unknown => {
    if (value === null || value === undefined) {
      return undefined;
    }
    if (typeof value !== 'object') {
      // Primitives pass through every built-in resolver unchanged; functions keep the original rules.
      return typeof value === 'function' ? bothOriginals(value, apiObject) : value;
    }
    const candidate = value as { resolve?: unknown; value?: unknown; constructor?: unknown };
    const constructor = candidate.constructor;
    // Same order as the built-in resolvers: Lazy, implicit token, number/string union. A plain object
    // (the common case) cannot be a Lazy, and the union resolver leaves plain objects alone.
    if (constructor !== Object && value instanceof Lazy) {
      return resolveSanitized(value.produce(), apiObject);
    }
    if (typeof candidate.resolve === 'function') {
      return resolveSanitized((candidate.resolve as () => unknown).call(value), apiObject);
    }
    if (constructor === Object) {
      const result: { [key: string]: unknown } = {};
      for (const key of Object.keys(value).sort()) {
        const member = resolveSanitized((value as { [key: string]: unknown })[key], apiObject);
        if (member !== null && member !== undefined) {
          result[key] = member;
        }
      }
      return result;
    }
    if (constructor === undefined || constructor === null) {
      return bothOriginals(value, apiObject);
    }
    const inner = candidate.value;
    if (typeof inner === 'number' || typeof inner === 'string') {
      return { value: inner };
    }
    if (Array.isArray(value)) {
      return value.map((item) => resolveSanitized(item, apiObject));
    }
    // A class instance no resolver handles: cdk8s refuses to render it, with its own message.
    return bothOriginals(value, apiObject);
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

  resolveModule.resolve = (key, value, apiObject) => {
    if (!takesOver(apiObject)) {
      return originalResolve(key, value, apiObject);
    }
    const result = resolveSanitized(value, apiObject);
    if (result !== null && typeof result === 'object') {
      sanitized.add(result);
    }
    return result;
  };
  utilModule.sanitizeValue = (value, options = {}) =>
    ((options.sortKeys ?? true) && !options.filterEmptyArrays && !options.filterEmptyObjects && typeof value === 'object'
      && value !== null && sanitized.has(value)
      ? value
      : originalSanitize(value, options));
  try {
    return render();
  } finally {
    resolveModule.resolve = originalResolve;
    utilModule.sanitizeValue = originalSanitize;
  }
}
