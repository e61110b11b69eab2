import { IConstruct } from 'constructs';

/**
 * Work a construct defers until the whole tree exists, run by `renderCharts` before it validates and
 * renders. A construct that derives objects from declarations made anywhere in the tree (the
 * NetworkPolicies from every declared connection) registers here, so it does not depend on being created
 * after the constructs that declare.
 */
const HOOKS = Symbol.for('k8s-constructs.beforeRender');

interface WithHooks {
  [HOOKS]?: Array<() => void>;
}

/** Runs `hook` once, when the tree `construct` belongs to is rendered. */
export function beforeRender(construct: IConstruct, hook: () => void): void {
  const target = construct as IConstruct & WithHooks;
  (target[HOOKS] ??= []).push(hook);
}

/** Runs and clears every registered hook below `root`, in tree order (depth first, creation order). */
export function runBeforeRenderHooks(root: IConstruct): void {
  for (const construct of root.node.findAll()) {
    const target = construct as IConstruct & WithHooks;
    const hooks = target[HOOKS];
    if (hooks !== undefined) {
      delete target[HOOKS];
      for (const hook of hooks) {
        hook();
      }
    }
  }
}
