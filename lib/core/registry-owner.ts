import { Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ValidationError } from './validation-error';

const OWNER = Symbol.for('k8s-constructs.registryOwner');

/**
 * Where the library's registries (SecretReferences, NetworkConnections, Policy, AlertCatalogue) live.
 *
 * A registry belongs to an owner: the nearest construct declared with {@link RegistryOwner.declare} (a
 * platform root holding several charts that share one catalogue and one set of network flows), or else the
 * outermost Chart around the construct. Two teams' charts in one App therefore never share a registry, and
 * two environments built side by side in one App each get their own.
 */
export class RegistryOwner {
  /** Makes `scope` the owner of the registries of every construct beneath it (unless a nearer owner is declared). */
  public static declare(scope: Construct): void {
    Object.defineProperty(scope, OWNER, { value: true, enumerable: false });
  }

  /** Whether `scope` was declared an owner. */
  public static isDeclared(scope: IConstruct): boolean {
    return (scope as unknown as Record<symbol, unknown>)[OWNER] === true;
  }

  /**
   * The owner of the registries `scope` uses.
   *
   * @throws ValidationError when `scope` is in no Chart and under no declared owner
   */
  public static of(scope: IConstruct): Construct {
    let outermostChart: Construct | undefined;
    for (const c of [...scope.node.scopes].reverse()) {
      if (RegistryOwner.isDeclared(c)) {
        return c as Construct;
      }
      if (Chart.isChart(c)) {
        outermostChart = c;
      }
    }
    if (outermostChart === undefined) {
      throw new ValidationError(scope.node.path === '' ? '<root>' : scope.node.path, 'scope',
        'is in no Chart and under no RegistryOwner: create it inside a Chart, or declare its root with RegistryOwner.declare()');
    }
    return outermostChart;
  }
}

/**
 * The one construct of a kind that an owner's tree shares (a registry such as SecretReferences), kept as a
 * child of the owner ({@link RegistryOwner.of}) under a fixed id and created on first use.
 *
 * @throws Error when the id is taken by a construct of another kind
 */
export function ownedSingleton<T extends Construct>(
  scope: IConstruct, id: string, isKind: (c: IConstruct) => c is T, create: (owner: Construct, id: string) => T,
): T {
  const owner = RegistryOwner.of(scope);
  const existing = owner.node.tryFindChild(id);
  if (existing === undefined) {
    return create(owner, id);
  }
  if (!isKind(existing)) {
    throw new Error(`${owner.node.path} already has a child "${id}" of another kind`);
  }
  return existing;
}
