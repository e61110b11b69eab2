import { Construct, IConstruct } from 'constructs';
import { Check, checkShape, checkString, checkStrings, oneOf } from './checks';
import { assertAt } from './errors';
import { ownedSingleton } from './registry-owner';

/** How a requirement judges kubectl's answer. */
export type ClusterExpectation =
  /** kubectl exits 0. */
  | { readonly type: 'succeeds' }
  /** The whole answer equals `value`. */
  | { readonly type: 'equals'; readonly value: string }
  /** Each of `values` is a whole line of the answer. */
  | { readonly type: 'lists'; readonly values: readonly string[] }
  /** Each of `values` occurs somewhere in the answer. */
  | { readonly type: 'contains'; readonly values: readonly string[] };

/** Something the cluster must provide that the manifests cannot create, checked read-only with kubectl. */
export interface ClusterRequirement {
  /** `error` fails the preflight; `warning` is reported only. */
  readonly severity: 'error' | 'warning';
  /** What is checked, as printed; say how to meet it. */
  readonly description: string;
  /** kubectl arguments (without `kubectl`). */
  readonly args: readonly string[];
  /** What the answer must be. */
  readonly expect: ClusterExpectation;
}

/** The expectation's fields follow its `type`. */
const checkExpectation: Check = (value) => {
  const type = checkShape({ type: oneOf(['succeeds', 'equals', 'lists', 'contains']) })(value);
  if (type !== undefined) {
    return type;
  }
  switch ((value as ClusterExpectation).type) {
    case 'succeeds':
      return undefined;
    case 'equals':
      return checkShape({ value: checkString })(value);
    default:
      return checkShape({ values: checkStrings() })(value);
  }
};

const checkRequirement: Check = checkShape({
  severity: oneOf(['error', 'warning']),
  description: checkString,
  args: checkStrings(),
  expect: checkExpectation,
});

const REGISTRY_ID = 'ClusterRequirements';

/**
 * Records what the cluster must already provide for the manifests to work as rendered: settings of
 * components installed outside them (a Helm value of kube-prometheus-stack, a controller's flag). The
 * preflight (`buildPreflight`'s `requirements`) checks each one before a deploy. One registry exists per
 * construct tree; constructs record into it with {@link ClusterRequirements.of}.
 */
export class ClusterRequirements extends Construct {
  /** The registry of `scope`'s owner (RegistryOwner.of: a declared platform root, else the outermost Chart), created on first use. */
  public static of(scope: IConstruct): ClusterRequirements {
    return ownedSingleton(scope, REGISTRY_ID, (c): c is ClusterRequirements => c instanceof ClusterRequirements, (owner, id) => new ClusterRequirements(owner, id));
  }

  private readonly requirements = new Map<string, ClusterRequirement>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /** Records `requirement` for `consumer`; the same description recorded twice must be the same check. */
  public add(consumer: IConstruct, requirement: ClusterRequirement): void {
    assertAt(consumer, 'requirement', checkRequirement(requirement));
    const existing = this.requirements.get(requirement.description);
    if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(requirement)) {
      assertAt(consumer, 'requirement', `"${requirement.description}" is already required with another check`);
    }
    this.requirements.set(requirement.description, requirement);
  }

  /** Every requirement, sorted by description. */
  public list(): ClusterRequirement[] {
    return [...this.requirements.values()].sort((a, b) => (a.description < b.description ? -1 : a.description > b.description ? 1 : 0));
  }
}
