import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkDnsLabel, checkLabelKey, checkLabelValue } from '../core/checks';
import { assertAt, failAt } from '../core/errors';
import { beforeRender } from '../render/render-hooks';
import { recommendedLabels } from '../core/labels';
import { MAX_NAME_LENGTH, shortenName, stableHash } from '../core/names';
import { NAMESPACE_NAME_LABEL, NetworkConnections, NetworkPeer, PodPeer } from './network-connections';

/** Annotation listing, for reviewers, every declared connection a policy allows and why. */
export const CONNECTIONS_ANNOTATION = 'network.ecommerce-platform/connections';

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
   * @default - every Namespace object rendered in the tree, found when the tree is rendered
   */
  readonly namespaces?: readonly string[];
}

interface Resolved {
  readonly pods?: PodPeer;
  readonly cidr?: { readonly cidr: string; readonly except: readonly string[] };
}

interface PolicyDraft {
  readonly namespace: string;
  readonly direction: 'ingress' | 'egress';
  readonly podLabels: Readonly<Record<string, string>>;
  /** Rendered peer (JSON) -> ports. */
  readonly rules: Map<string, Set<string>>;
  readonly notes: Set<string>;
}

const DEFAULT_DNS: PodPeer = { namespaceLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' }, podLabels: { 'k8s-app': 'kube-dns' } };

/**
 * NetworkPolicies derived from the connections constructs declare in {@link NetworkConnections}:
 * default-deny ingress and egress in every namespace we render, DNS for every pod, and for each declared
 * connection an ingress rule on the accepting pods and an egress rule on the opening pods (on each side
 * that runs in one of our namespaces).
 *
 * The policies are built when the tree is rendered (`renderCharts`), so declarations made by constructs
 * created later, in any chart, are included. Uses the raw `k8s` object: the cdk8s-plus L2 derives peers
 * from construct references and cannot select pods of namespaces this repository does not render.
 */
export class NetworkPolicies extends Construct {
  /** The rendered policies, sorted by namespace and name; filled when the tree is rendered. */
  public readonly policies: kplus.k8s.KubeNetworkPolicy[] = [];

  private readonly props: NetworkPoliciesProps;
  private readonly dns: PodPeer;

  constructor(scope: Construct, id: string, props: NetworkPoliciesProps) {
    super(scope, id);
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
    beforeRender(this, () => this.render());
  }

  /** The namespaces locked down: the configured list, or every Namespace object in the tree. */
  public ownedNamespaces(): string[] {
    const found = this.props.namespaces ?? this.node.root.node.findAll()
      .filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Namespace' && c.apiVersion === 'v1')
      .map((ns) => ns.name);
    return [...new Set(found)].sort();
  }

  private render(): void {
    const owned = this.ownedNamespaces();
    const drafts = new Map<string, PolicyDraft>();
    const draft = (namespace: string, direction: 'ingress' | 'egress', podLabels: Readonly<Record<string, string>>) => {
      const key = JSON.stringify([namespace, direction, sortedRecord(podLabels)]);
      let d = drafts.get(key);
      if (d === undefined) {
        d = { namespace, direction, podLabels, rules: new Map(), notes: new Set() };
        drafts.set(key, d);
      }
      return d;
    };
    const ownNamespace = (r: Resolved) => {
      const labels = r.pods?.namespaceLabels ?? {};
      const ns = labels[NAMESPACE_NAME_LABEL];
      return Object.keys(labels).length === 1 && ns !== undefined && owned.includes(ns) ? ns : undefined;
    };
    for (const c of NetworkConnections.of(this).connections()) {
      const from = this.resolve(c.from);
      const to = this.resolve(c.to);
      const port = `${c.port}/${c.protocol}`;
      const note = `${c.from.describe()} -> ${c.to.describe()} ${port}: ${c.reason} (${c.owner})`;
      const toNs = ownNamespace(to);
      const fromNs = ownNamespace(from);
      if (toNs === undefined && fromNs === undefined) {
        failAt(this, `connections[${c.owner}]`, `neither ${c.from.describe()} nor ${c.to.describe()} runs in a namespace rendered here (${owned.join(', ')})`);
      }
      if (toNs !== undefined) {
        const d = draft(toNs, 'ingress', to.pods!.podLabels);
        addPort(d.rules, renderPeer(from, toNs), port);
        d.notes.add(note);
      }
      if (fromNs !== undefined) {
        const d = draft(fromNs, 'egress', from.pods!.podLabels);
        addPort(d.rules, renderPeer(to, fromNs), port);
        d.notes.add(note);
      }
    }
    for (const ns of owned) {
      this.addPolicy(ns, DEFAULT_DENY_POLICY, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      const dnsPeer = renderPeer({ pods: this.dns }, ns);
      this.addPolicy(ns, ALLOW_DNS_POLICY, {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [JSON.parse(dnsPeer)], ports: [{ port: intOrString(53), protocol: 'UDP' }, { port: intOrString(53), protocol: 'TCP' }] }],
      });
    }
    const sorted = policyNames([...drafts.values()])
      .sort((a, b) => compare(`${a.d.namespace}/${a.name}`, `${b.d.namespace}/${b.name}`));
    for (const { d, name } of sorted) {
      const rules = [...d.rules.entries()].sort(([a], [b]) => compare(a, b)).map(([peer, ports]) => ({
        peers: [JSON.parse(peer)],
        ports: [...ports].sort(comparePorts).map((p) => ({ port: intOrString(Number(p.split('/')[0])), protocol: p.split('/')[1] })),
      }));
      const spec: kplus.k8s.NetworkPolicySpec = d.direction === 'ingress'
        ? { podSelector: { matchLabels: sortedRecord(d.podLabels) }, policyTypes: ['Ingress'], ingress: rules.map((r) => ({ from: r.peers, ports: r.ports })) }
        : { podSelector: { matchLabels: sortedRecord(d.podLabels) }, policyTypes: ['Egress'], egress: rules.map((r) => ({ to: r.peers, ports: r.ports })) };
      this.addPolicy(d.namespace, name, spec, [...d.notes].sort().join('\n'));
    }
  }

  private resolve(peer: NetworkPeer): Resolved {
    switch (peer.wellKnown) {
      case 'ingressController': return { pods: this.props.ingressController };
      case 'prometheus': return { pods: this.props.prometheus };
      case 'dns': return { pods: this.dns };
      default: return { pods: peer.pods, cidr: peer.cidr };
    }
  }

  private addPolicy(namespace: string, name: string, spec: kplus.k8s.NetworkPolicySpec, connections?: string): void {
    const policy = new kplus.k8s.KubeNetworkPolicy(this, `${namespace}-${name}`, {
      metadata: {
        name,
        namespace,
        labels: recommendedLabels({ name: 'network-policy', instance: name, component: 'network', partOf: this.props.partOf }),
        annotations: connections === undefined ? undefined : { [CONNECTIONS_ANNOTATION]: connections },
      },
      spec,
    });
    this.policies.push(policy);
  }
}

/** `allow-ingress-to-laravel`, `allow-egress-from-laravel`, from the label values alone. */
function policyName(d: PolicyDraft): string {
  const values = Object.entries(sortedRecord(d.podLabels)).map(([, v]) => v.toLowerCase().replace(/[^a-z0-9-]+/g, '-')).join('-') || 'all';
  return `allow-${d.direction}-${d.direction === 'ingress' ? 'to' : 'from'}-${values}`.replace(/-+/g, '-').replace(/-$/, '');
}

/**
 * Each draft's policy name. A name longer than 63 characters, or one that two pod sets of a namespace would
 * share (`app: a-b` and `app: a, tier: b`), gets a hash of the exact selector instead of being cut or merged.
 */
function policyNames(drafts: PolicyDraft[]): Array<{ d: PolicyDraft; name: string }> {
  const named = drafts.map((d) => ({ d, name: policyName(d) }));
  const uses = new Map<string, number>();
  for (const { d, name } of named) {
    uses.set(`${d.namespace}/${name}`, (uses.get(`${d.namespace}/${name}`) ?? 0) + 1);
  }
  return named.map(({ d, name }) => {
    const identity = JSON.stringify([d.direction, sortedRecord(d.podLabels)]);
    const shared = uses.get(`${d.namespace}/${name}`)! > 1;
    return { d, name: shared ? `${name.slice(0, MAX_NAME_LENGTH - 9).replace(/-+$/, '')}-${stableHash(identity)}` : shortenName(name, identity) };
  });
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
