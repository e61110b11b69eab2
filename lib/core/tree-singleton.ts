import { Construct, IConstruct } from 'constructs';

/**
 * The one construct of a kind that a whole tree shares (a registry such as SecretReferences), kept as a child
 * of the root under a fixed id and created on first use.
 *
 * @throws Error when the id is taken by a construct of another kind
 */
export function treeSingleton<T extends Construct>(
  scope: IConstruct, id: string, isKind: (c: IConstruct) => c is T, create: (root: Construct, id: string) => T,
): T {
  const root = scope.node.root as Construct;
  const existing = root.node.tryFindChild(id);
  if (existing === undefined) {
    return create(root, id);
  }
  if (!isKind(existing)) {
    throw new Error(`the tree root already has a child "${id}" of another kind`);
  }
  return existing;
}
