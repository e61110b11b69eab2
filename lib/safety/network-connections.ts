import { Construct, IConstruct } from 'constructs';
import {
  Check, checkCidr, checkDnsLabel, checkInstance, checkLabelKey, checkLabels, checkLabelValue, checkNonEmpty, checkOneOf, checkPort, checkShape, checkString, findProblem, oneOf, optional,
} from '../core/checks';
import { failAt, show } from '../core/errors';
import { ownedSingleton } from '../core/registry-owner';

/** Label every Namespace carries with its own name (set by the API server). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Transport protocol of a connection. */
export type NetworkProtocol = 'TCP' | 'UDP';

const PROTOCOLS: readonly NetworkProtocol[] = ['TCP', 'UDP'];

/** Peers whose location the stack configures; resolved by `NetworkPolicies`. */
export type WellKnownPeer = 'ingressController' | 'prometheus' | 'dns';

/** Pods, selected by the labels of their namespace and their own labels. */
export interface PodPeer {
  /** Labels of the namespace(s) the pods run in. */
  readonly namespaceLabels: Readonly<Record<string, string>>;
  /** Labels of the pods; empty selects every pod of those namespaces. */
  readonly podLabels: Readonly<Record<string, string>>;
}

/**
 * One end of a connection: pods in a namespace, a well-known peer the environment locates (the ingress
 * controller, Prometheus, cluster DNS), or addresses outside the cluster.
 */
export class NetworkPeer {
  /** Pods with `labels` in the namespace called `namespace`. */
  public static pods(namespace: string, labels: Readonly<Record<string, string>>): NetworkPeer {
    return new NetworkPeer({ pods: { namespaceLabels: { [NAMESPACE_NAME_LABEL]: namespace }, podLabels: { ...labels } } });
  }

  /** Pods with `podLabels` in every namespace carrying `namespaceLabels`. */
  public static podsInNamespaces(namespaceLabels: Readonly<Record<string, string>>, podLabels: Readonly<Record<string, string>> = {}): NetworkPeer {
    return new NetworkPeer({ pods: { namespaceLabels: { ...namespaceLabels }, podLabels: { ...podLabels } } });
  }

  /** The cluster's ingress controller (located by `network.ingressController` in the platform's configuration). */
  public static ingressController(): NetworkPeer {
    return new NetworkPeer({ wellKnown: 'ingressController' });
  }

  /** Prometheus, which scrapes every metrics port (located by `network.prometheus`). */
  public static prometheus(): NetworkPeer {
    return new NetworkPeer({ wellKnown: 'prometheus' });
  }

  /** Cluster DNS (kube-dns / CoreDNS); every pod may reach it on port 53, without declaring it. */
  public static dns(): NetworkPeer {
    return new NetworkPeer({ wellKnown: 'dns' });
  }

  /** Addresses outside the cluster (`0.0.0.0/0` for the internet), optionally minus some blocks. */
  public static cidr(cidr: string, except: readonly string[] = []): NetworkPeer {
    return new NetworkPeer({ cidr: { cidr, except: [...except] } });
  }

  /** Pods of a namespace-and-labels peer. */
  public readonly pods?: PodPeer;
  /** A peer the environment locates. */
  public readonly wellKnown?: WellKnownPeer;
  /** An address block outside the cluster. */
  public readonly cidr?: { readonly cidr: string; readonly except: readonly string[] };

  private constructor(spec: { pods?: PodPeer; wellKnown?: WellKnownPeer; cidr?: { cidr: string; except: string[] } }) {
    this.pods = spec.pods;
    this.wellKnown = spec.wellKnown;
    this.cidr = spec.cidr;
  }

  /** A short readable form for reports and annotations. */
  public describe(): string {
    if (this.wellKnown !== undefined) {
      return this.wellKnown;
    }
    if (this.cidr !== undefined) {
      return this.cidr.except.length === 0 ? this.cidr.cidr : `${this.cidr.cidr} except ${this.cidr.except.join(', ')}`;
    }
    const labels = (l: Readonly<Record<string, string>>) => Object.entries(l).map(([k, v]) => `${k}=${v}`).join(',');
    const { namespaceLabels, podLabels } = this.pods!;
    const ns = Object.keys(namespaceLabels).length === 1 ? namespaceLabels[NAMESPACE_NAME_LABEL] : undefined;
    const pods = Object.keys(podLabels).length === 0 ? 'all pods' : `pods ${labels(podLabels)}`;
    return `${pods} in ${ns ?? `namespaces ${labels(namespaceLabels)}`}`;
  }
}

/** One connection a construct declares. */
export interface ConnectionSpec {
  /** Who opens the connection. */
  readonly from: NetworkPeer;
  /** Who accepts it. */
  readonly to: NetworkPeer;
  /** Destination port on the accepting pods (the container port, not a Service port). */
  readonly port: number;
  /**
   * Transport protocol.
   *
   * @default 'TCP'
   */
  readonly protocol?: NetworkProtocol;
  /** Why the connection exists; rendered into the NetworkPolicy's annotation for reviewers. */
  readonly reason: string;
}

/** A declared connection, with its owner. */
export interface DeclaredConnection {
  readonly from: NetworkPeer;
  readonly to: NetworkPeer;
  readonly port: number;
  readonly protocol: NetworkProtocol;
  readonly reason: string;
  /** Path of the construct that declared it. */
  readonly owner: string;
}

const REGISTRY_ID = 'NetworkConnections';

/** The run-time check of a {@link PodPeer}: namespace and pod labels. */
export const checkPodPeer: Check = checkShape({ namespaceLabels: checkLabels, podLabels: checkLabels });

const CONNECTION_RULES = {
  from: checkInstance((v) => v instanceof NetworkPeer, 'a NetworkPeer such as NetworkPeer.pods(namespace, labels)'),
  to: checkInstance((v) => v instanceof NetworkPeer, 'a NetworkPeer such as NetworkPeer.pods(namespace, labels)'),
  port: checkPort,
  protocol: optional(oneOf(PROTOCOLS)),
  reason: checkString,
};

/** Receives declarations as they are made; see {@link NetworkConnections.subscribe}. */
export interface NetworkDeclarationListener {
  /** Called with each declared connection. */
  readonly connection: (connection: DeclaredConnection) => void;
}

/**
 * Every connection the constructs of a tree declare they open or accept: the single source the
 * NetworkPolicies are derived from, so the policies follow the code instead of a hand-written list.
 * One registry exists per owner (RegistryOwner); a construct declares with one call:
 *
 * ```ts
 * NetworkConnections.of(this).allow(this, { from: workerPods, to: NetworkPeer.pods('shop', { app: 'mysql' }), port: 3306, reason: 'queue jobs read orders' });
 * ```
 */
export class NetworkConnections extends Construct {
  /** The registry of `scope`'s owner (RegistryOwner.of: a declared platform root, else the outermost Chart), created on first use. */
  public static of(scope: IConstruct): NetworkConnections {
    return ownedSingleton(scope, REGISTRY_ID, (c): c is NetworkConnections => c instanceof NetworkConnections, (owner, id) => new NetworkConnections(owner, id));
  }

  private readonly declared: DeclaredConnection[] = [];
  private readonly listeners: NetworkDeclarationListener[] = [];

  private constructor(scope: Construct, id: string) {
    super(scope, id);
  }

  /**
   * Declares that `spec.from` may open connections to `spec.to` on `spec.port`, on behalf of `owner`.
   *
   * @throws ValidationError for an invalid port, protocol, CIDR, label, an empty reason, a connection
   * between two external peers, or DNS (allowed for every pod already)
   */
  public allow(owner: IConstruct, spec: ConnectionSpec): DeclaredConnection {
    if (typeof spec !== 'object' || spec === null) {
      failAt(owner, 'network.allow', `must be a connection object, got ${show(spec)}`);
    }
    const typed = findProblem(spec, CONNECTION_RULES);
    if (typed !== undefined) {
      failAt(owner, `network.allow.${typed.field}`, typed.problem);
    }
    const protocol = spec.protocol ?? 'TCP';
    const field = 'network.allow';
    const check = (sub: string, problem: string | undefined) => {
      if (problem !== undefined) {
        failAt(owner, `${field}.${sub}`, problem);
      }
    };
    check('port', checkPort(spec.port));
    check('protocol', checkOneOf(protocol, PROTOCOLS));
    check('reason', checkNonEmpty(spec.reason));
    for (const [side, peer] of [['from', spec.from], ['to', spec.to]] as const) {
      if (peer.cidr !== undefined) {
        check(`${side}.cidr`, checkCidr(peer.cidr.cidr));
        peer.cidr.except.forEach((c, i) => check(`${side}.except[${i}]`, checkCidr(c)));
      }
      if (peer.wellKnown === 'dns') {
        failAt(owner, `${field}.${side}`, 'DNS is allowed for every pod already: do not declare it');
      }
      for (const [key, value] of Object.entries({ ...peer.pods?.namespaceLabels, ...peer.pods?.podLabels })) {
        check(`${side}.labels`, checkLabelKey(key) ?? checkLabelValue(value));
      }
      const ns = peer.pods?.namespaceLabels[NAMESPACE_NAME_LABEL];
      if (ns !== undefined) {
        check(`${side}.namespace`, checkDnsLabel(ns));
      }
    }
    if (spec.from.cidr !== undefined && spec.to.cidr !== undefined) {
      failAt(owner, field, 'one end must be pods in the cluster, got two address blocks');
    }
    const connection: DeclaredConnection = { from: spec.from, to: spec.to, port: spec.port, protocol, reason: spec.reason.trim(), owner: owner.node.path };
    this.declared.push(connection);
    for (const listener of this.listeners) {
      listener.connection(connection);
    }
    return connection;
  }

  /**
   * Hands `listener` every connection declared so far, then each one declared later, as it
   * is declared: what `NetworkPolicies` creates its objects from, wherever it sits in the tree.
   */
  public subscribe(listener: NetworkDeclarationListener): void {
    this.listeners.push(listener);
    for (const c of [...this.declared]) {
      listener.connection(c);
    }
  }

  /** Every declared connection, in declaration order. */
  public connections(): DeclaredConnection[] {
    return [...this.declared];
  }
}
