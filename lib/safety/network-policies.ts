import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkArrayOf, checkDnsLabel, checkLabelKey, checkLabelName, checkLabelValue, checkProps, optional, Rules } from '../core/checks';
import { assertAt, failAt } from '../core/errors';
import { DeclaredNamespaces } from '../core/declared-namespaces';
import { recommendedLabels } from '../core/labels';
import { MAX_NAME_LENGTH, shortenName, stableHash } from '../core/names';
import { RegistryOwner } from '../core/registry-owner';
import { DeclaredConnection, NAMESPACE_NAME_LABEL, NetworkConnections, NetworkPeer, PodPeer, checkPodPeer } from './network-connections';

/** Default annotation listing, for reviewers, every declared connection a policy allows and why. */
export const CONNECTIONS_ANNOTATION = 'network.k8s-constructs/connections';

/** Name of the policy denying all ingress and egress in each namespace. */
export const DEFAULT_DENY_POLICY = 'default-deny';

/** Name of the policy letting every pod of a namespace reach cluster DNS. */
export const ALLOW_DNS_POLICY = 'allow-dns-egress';

/** Props of {@link NetworkPolicies}. */
export interface NetworkPoliciesProps {
  /** System the policies belong to (`app.kubernetes.io/part-of`). */
  readonly partOf: string;

  /** Where the ingress controller runs (namespace labels, optionally pod labels). */
  readonly ingressController: PodPeer;

  /** Where Prometheus runs. */
  readonly prometheus: PodPeer;

  /**
   * Where cluster DNS runs; every pod may reach it on UDP and TCP 53.
   *
   * @default - pods `k8s-app: kube-dns` in namespace `kube-system` (kube-dns and CoreDNS both carry it)
   */
  readonly dns?: PodPeer;

  /**
   * Namespaces to lock down with default-deny and the derived allow rules.
   *
   * @default - every namespace declared in the tree with `DeclaredNamespaces` (every
   * `AppNamespace` declares its own); a Namespace object rendered in the tree but not declared fails synth
   */
  readonly namespaces?: readonly string[];

  /**
   * Annotation key under which each policy lists the declared connections it allows.
   *
   * @default CONNECTIONS_ANNOTATION
   */
  readonly connectionsAnnotation?: string;
}

interface Resolved {
  readonly pods?: PodPeer;
  readonly cidr?: { readonly cidr: string; readonly except: readonly string[] };
}

/** What one derived allow-policy holds; read when the policy's spec is rendered. */
interface PolicyDraft {
  readonly namespace: string;
  readonly direction: 'ingress' | 'egress';
  readonly podLabels: Readonly<Record<string, string>>;
  /** Rendered peer (JSON) -> ports. */
  readonly rules: Map<string, Set<string>>;
  readonly notes: Set<string>;
}

/** A created policy and the key that fixes its place in the output. */
interface Placed {
  readonly key: string;
  readonly policy: kplus.k8s.KubeNetworkPolicy;
}

/** A derived policy's names: from the label values alone, and as rendered. */
interface Named {
  readonly identity: string;
  readonly base: string;
  readonly policy: kplus.k8s.KubeNetworkPolicy;
  hashed: boolean;
}

const DEFAULT_DNS: PodPeer = { namespaceLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' }, podLabels: { 'k8s-app': 'kube-dns' } };

/** Run-time checks of {@link NetworkPoliciesProps}, applied before anything is created. */
const NETWORK_POLICIES_RULES: Rules = {
  partOf: checkLabelName,
  ingressController: checkPodPeer,
  prometheus: checkPodPeer,
  dns: optional(checkPodPeer),
  namespaces: optional(checkArrayOf(checkDnsLabel)),
};

/**
 * NetworkPolicies derived from the connections constructs declare in {@link NetworkConnections}:
 * default-deny ingress and egress in every namespace we render, DNS for every pod, and for each declared
 * connection an ingress rule on the accepting pods and an egress rule on the opening pods (on each side
 * that runs in one of our namespaces).
 *
 * Each policy object is created as soon as a declaration needs it (a connection, or a namespace declared
 * with `DeclaredNamespaces`, which `AppNamespace` does), whether the declaration comes
 * before or after this construct; its spec and annotation are produced lazily when cdk8s renders, so the
 * output is complete under any synth (`App.synth()`, `Testing.synth()`, `chart.toJson()`). Uses the raw
 * `k8s` object: the cdk8s-plus L2 derives peers from construct references and cannot select pods of
 * namespaces this repository does not render.
 */
export class NetworkPolicies extends Construct {
  private readonly props: NetworkPoliciesProps;
  private readonly dns: PodPeer;
  private readonly explicitNamespaces?: ReadonlySet<string>;
  private readonly owned = new Set<string>();
  private readonly seen: DeclaredConnection[] = [];
  private readonly drafts = new Map<string, PolicyDraft>();
  /** Created policies in output order (namespace, then base policies, then derived ones by name). */
  private readonly placed: Placed[] = [];
  /** Derived policies by namespace and base name, to tell when two pod sets would share a name. */
  private readonly byBaseName = new Map<string, Named[]>();

  constructor(scope: Construct, id: string, props: NetworkPoliciesProps) {
    super(scope, id);
    checkProps(this, props, NETWORK_POLICIES_RULES);
    this.props = props;
    this.dns = props.dns ?? DEFAULT_DNS;
    for (const [field, peer] of [['ingressController', props.ingressController], ['prometheus', props.prometheus], ['dns', this.dns]] as const) {
      if (Object.keys(peer.namespaceLabels).length === 0) {
        failAt(this, `${field}.namespaceLabels`, 'required: at least one label of the namespace');
      }
      for (const [key, value] of Object.entries({ ...peer.namespaceLabels, ...peer.podLabels })) {
        assertAt(this, `${field}.labels`, checkLabelKey(key) ?? checkLabelValue(value));
      }
    }
    for (const ns of props.namespaces ?? []) {
      assertAt(this, 'namespaces', checkDnsLabel(ns));
    }
    if (props.connectionsAnnotation !== undefined) {
      assertAt(this, 'connectionsAnnotation', checkLabelKey(props.connectionsAnnotation));
    }
    if (props.namespaces !== undefined) {
      this.explicitNamespaces = new Set(props.namespaces);
      for (const ns of [...this.explicitNamespaces].sort()) {
        this.lockDown(ns);
      }
    }
    if (this.explicitNamespaces === undefined) {
      DeclaredNamespaces.of(this).subscribe((ns) => this.lockDown(ns));
    }
    NetworkConnections.of(this).subscribe({
      connection: (c) => {
        this.seen.push(c);
        this.derive(c);
      },
    });
    this.node.addValidation({ validate: () => this.problems() });
  }

  /** The policies, sorted by namespace and name (each namespace's default-deny and DNS policy first). */
  public get policies(): kplus.k8s.KubeNetworkPolicy[] {
    return this.placed.map((p) => p.policy);
  }

  /** The namespaces locked down: the configured list, or every namespace declared in the tree. */
  public ownedNamespaces(): string[] {
    return [...this.owned].sort();
  }

  /** Default-deny and DNS for `ns`, and the policies of connections already declared that reach it. */
  private lockDown(ns: string): void {
    if (this.owned.has(ns)) {
      return;
    }
    this.owned.add(ns);
    this.addPolicy(`0\0${ns}\0${0}`, ns, DEFAULT_DENY_POLICY, () => ({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
    this.addPolicy(`0\0${ns}\0${1}`, ns, ALLOW_DNS_POLICY, () => ({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [JSON.parse(renderPeer({ pods: this.dns }, ns))], ports: [{ port: intOrString(53), protocol: 'UDP' }, { port: intOrString(53), protocol: 'TCP' }] }],
    }));
    for (const c of this.seen) {
      this.derive(c);
    }
  }

  /** Adds `c` to the policy of each side that runs in a namespace we own, creating the policy if needed. */
  private derive(c: DeclaredConnection): void {
    const from = this.resolve(c.from);
    const to = this.resolve(c.to);
    const port = `${c.port}/${c.protocol}`;
    const note = `${c.from.describe()} -> ${c.to.describe()} ${port}: ${c.reason} (${c.owner})`;
    const toNs = this.ownNamespace(to);
    const fromNs = this.ownNamespace(from);
    if (toNs !== undefined) {
      const d = this.draft(toNs, 'ingress', to.pods!.podLabels);
      addPort(d.rules, renderPeer(from, toNs), port);
      d.notes.add(note);
    }
    if (fromNs !== undefined) {
      const d = this.draft(fromNs, 'egress', from.pods!.podLabels);
      addPort(d.rules, renderPeer(to, fromNs), port);
      d.notes.add(note);
    }
  }

  private ownNamespace(r: Resolved): string | undefined {
    const labels = r.pods?.namespaceLabels ?? {};
    const ns = labels[NAMESPACE_NAME_LABEL];
    return Object.keys(labels).length === 1 && ns !== undefined && this.owned.has(ns) ? ns : undefined;
  }

  private draft(namespace: string, direction: 'ingress' | 'egress', podLabels: Readonly<Record<string, string>>): PolicyDraft {
    const key = JSON.stringify([namespace, direction, sortedRecord(podLabels)]);
    let d = this.drafts.get(key);
    if (d === undefined) {
      const draft: PolicyDraft = { namespace, direction, podLabels, rules: new Map(), notes: new Set() };
      d = draft;
      this.drafts.set(key, draft);
      this.addDerivedPolicy(draft);
    }
    return d;
  }

  /**
   * Creates a derived policy named after its pod labels. A name longer than 63 characters, or one that two
   * pod sets of a namespace would share (`app: a-b` and `app: a, tier: b`), ends in a hash of the exact
   * selector instead of being cut or merged. When a second pod set arrives with a name already in use, the
   * first policy's rendered name is switched to its hashed form with a JSON patch (its object exists
   * already), so the result does not depend on which was declared first.
   */
  private addDerivedPolicy(draft: PolicyDraft): void {
    const base = policyName(draft);
    const identity = JSON.stringify([draft.direction, sortedRecord(draft.podLabels)]);
    const slot = `${draft.namespace}/${base}`;
    const siblings = this.byBaseName.get(slot) ?? [];
    const hashedName = (id: string) => `${base.slice(0, MAX_NAME_LENGTH - 9).replace(/-+$/, '')}-${stableHash(id)}`;
    const shared = siblings.length > 0;
    const name = shared ? hashedName(identity) : shortenName(base, identity);
    for (const sibling of siblings.filter((x) => !x.hashed)) {
      sibling.hashed = true;
      if (sibling.policy.name !== hashedName(sibling.identity)) {
        ApiObject.of(sibling.policy).addJsonPatch(JsonPatch.replace('/metadata/name', hashedName(sibling.identity)));
      }
    }
    const policy = this.addPolicy(`1\0${slot}\0${identity}`, draft.namespace, name, () => renderDraft(draft), () => [...draft.notes].sort().join('\n'));
    this.byBaseName.set(slot, [...siblings, { identity, base, policy, hashed: shared }]);
  }

  /** Connections neither of whose ends runs in a namespace we own: judged once the whole tree exists. */
  private problems(): string[] {
    const owned = this.ownedNamespaces();
    const undeclared = this.explicitNamespaces !== undefined ? [] : RegistryOwner.of(this).node.findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Namespace' && c.apiVersion === 'v1' && !this.owned.has(c.name))
      .map((ns) => `namespaces: Namespace "${ns.name}" (${ns.node.path}) is rendered but not declared: create it with AppNamespace, `
        + 'declare it with DeclaredNamespaces.of(this).declare(name), or list the namespaces to lock down in `namespaces`');
    return [...undeclared, ...this.seen
      .filter((c) => this.ownNamespace(this.resolve(c.from)) === undefined && this.ownNamespace(this.resolve(c.to)) === undefined)
      .map((c) => `connections[${c.owner}]: neither ${c.from.describe()} nor ${c.to.describe()} runs in a namespace rendered here (${owned.join(', ')})`)];
  }

  private resolve(peer: NetworkPeer): Resolved {
    switch (peer.wellKnown) {
      case 'ingressController': return { pods: this.props.ingressController };
      case 'prometheus': return { pods: this.props.prometheus };
      case 'dns': return { pods: this.dns };
      default: return { pods: peer.pods, cidr: peer.cidr };
    }
  }

  /**
   * Creates one policy with a lazily produced spec (and connections annotation), placed in output order.
   *
   * Output order must not depend on the order constructs declare in, so the policies are chained with
   * construct dependencies, which is how cdk8s orders a chart's objects: a new policy depends on the one
   * sorting just before it, and the one sorting just after it depends on the new one. Every adjacent
   * pair stays linked, so cdk8s emits exactly the sorted order.
   */
  private addPolicy(key: string, namespace: string, name: string, spec: () => kplus.k8s.NetworkPolicySpec, connections?: () => string): kplus.k8s.KubeNetworkPolicy {
    const policy = new kplus.k8s.KubeNetworkPolicy(this, `${namespace}-${name}`, {
      metadata: {
        name,
        namespace,
        labels: recommendedLabels({ name: 'network-policy', instance: name, component: 'network', partOf: this.props.partOf }),
        annotations: connections === undefined ? undefined : { [this.props.connectionsAnnotation ?? CONNECTIONS_ANNOTATION]: Lazy.any({ produce: connections }) },
      },
      spec: Lazy.any({ produce: spec }),
    });
    let at = 0;
    while (at < this.placed.length && compare(this.placed[at].key, key) < 0) {
      at++;
    }
    const before = this.placed[at - 1];
    const after = this.placed[at];
    if (before !== undefined) {
      policy.node.addDependency(before.policy);
    }
    if (after !== undefined) {
      after.policy.node.addDependency(policy);
    }
    this.placed.splice(at, 0, { key, policy });
    return policy;
  }
}

/** `allow-ingress-to-storefront`, `allow-egress-from-storefront`, from the label values alone. */
function renderDraft(d: PolicyDraft): kplus.k8s.NetworkPolicySpec {
  const rules = [...d.rules.entries()].sort(([a], [b]) => compare(a, b)).map(([peer, ports]) => ({
    peers: [JSON.parse(peer)],
    ports: [...ports].sort(comparePorts).map((p) => ({ port: intOrString(Number(p.split('/')[0])), protocol: p.split('/')[1] })),
  }));
  return d.direction === 'ingress'
    ? { podSelector: { matchLabels: sortedRecord(d.podLabels) }, policyTypes: ['Ingress'], ingress: rules.map((r) => ({ from: r.peers, ports: r.ports })) }
    : { podSelector: { matchLabels: sortedRecord(d.podLabels) }, policyTypes: ['Egress'], egress: rules.map((r) => ({ to: r.peers, ports: r.ports })) };
}

/** `allow-ingress-to-storefront`, `allow-egress-from-storefront`, from the label values alone. */
function policyName(d: PolicyDraft): string {
  const values = Object.entries(sortedRecord(d.podLabels)).map(([, v]) => v.toLowerCase().replace(/[^a-z0-9-]+/g, '-')).join('-') || 'all';
  return `allow-${d.direction}-${d.direction === 'ingress' ? 'to' : 'from'}-${values}`.replace(/-+/g, '-').replace(/-$/, '');
}

function renderPeer(r: Resolved, policyNamespace: string): string {
  if (r.cidr !== undefined) {
    return JSON.stringify({ ipBlock: r.cidr.except.length === 0 ? { cidr: r.cidr.cidr } : { cidr: r.cidr.cidr, except: [...r.cidr.except].sort() } });
  }
  const pods = r.pods!;
  const sameNamespace = Object.keys(pods.namespaceLabels).length === 1 && pods.namespaceLabels[NAMESPACE_NAME_LABEL] === policyNamespace;
  const podSelector = { matchLabels: sortedRecord(pods.podLabels) };
  if (sameNamespace) {
    return JSON.stringify({ podSelector });
  }
  const namespaceSelector = { matchLabels: sortedRecord(pods.namespaceLabels) };
  // A namespace selector alone selects every pod of those namespaces.
  return JSON.stringify(Object.keys(pods.podLabels).length === 0 ? { namespaceSelector } : { namespaceSelector, podSelector });
}

function addPort(rules: Map<string, Set<string>>, peer: string, port: string): void {
  const ports = rules.get(peer) ?? new Set<string>();
  ports.add(port);
  rules.set(peer, ports);
}

function intOrString(port: number): kplus.k8s.IntOrString {
  return kplus.k8s.IntOrString.fromNumber(port);
}

function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compare(a, b)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function comparePorts(a: string, b: string): number {
  const [pa, qa] = a.split('/');
  const [pb, qb] = b.split('/');
  return Number(pa) - Number(pb) || compare(qa, qb);
}
