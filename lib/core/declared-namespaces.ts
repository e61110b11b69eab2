import { Construct, IConstruct } from 'constructs';
import { checkDnsLabel } from './checks';
import { assertAt } from './errors';
import { ownedSingleton } from './registry-owner';

const REGISTRY_ID = 'DeclaredNamespaces';

/**
 * The namespaces a tree renders a Namespace object for, declared as they are created.
 *
 * `AppNamespace` declares its own; code that renders a Namespace any other way declares it here. Other
 * constructs react to each namespace when it is declared (the derived NetworkPolicies lock it down), so
 * they never need the whole tree to exist first.
 */
export class DeclaredNamespaces extends Construct {
  /** The registry of the tree `scope` belongs to, created on first use. */
  public static of(scope: IConstruct): DeclaredNamespaces {
    return ownedSingleton(scope, REGISTRY_ID, (c): c is DeclaredNamespaces => c instanceof DeclaredNamespaces, (owner, id) => new DeclaredNamespaces(owner, id));
  }

  private readonly names: string[] = [];
  private readonly listeners: Array<(namespace: string) => void> = [];

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /**
   * Declares that the tree renders namespace `name`; declaring it again does nothing.
   *
   * @throws ValidationError for a name that is not a DNS label
   */
  public declare(name: string): void {
    assertAt(this, 'namespace', checkDnsLabel(name));
    if (this.names.includes(name)) {
      return;
    }
    this.names.push(name);
    for (const listener of this.listeners) {
      listener(name);
    }
  }

  /** Calls `listener` with every namespace declared so far, then with each one declared later. */
  public subscribe(listener: (namespace: string) => void): void {
    this.listeners.push(listener);
    for (const name of [...this.names]) {
      listener(name);
    }
  }

  /** Every declared namespace, in declaration order. */
  public list(): string[] {
    return [...this.names];
  }
}
