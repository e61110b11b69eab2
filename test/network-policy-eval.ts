/**
 * A small evaluator of Kubernetes NetworkPolicy semantics (networking.k8s.io/v1), for tests: a connection
 * is allowed when the source's egress and the destination's ingress both allow it. A side no policy
 * selects (for that direction) allows everything; once some policy selects a pod, only what one of them
 * allows gets through. Endpoints outside the cluster are given by IP and matched only by ipBlock.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
import { K8sObject } from './helpers';

/** A pod (namespace and labels) or an address outside the cluster. */
export type Endpoint = { readonly namespace: string; readonly labels: Record<string, string> } | { readonly ip: string };

type Selector = { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> } | undefined;

function matches(selector: Selector, labels: Record<string, string>): boolean {
  if (selector === undefined) {
    return true;
  }
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return byLabels && (selector.matchExpressions ?? []).every((e) => {
    switch (e.operator) {
      case 'In': return e.key in labels && (e.values ?? []).includes(labels[e.key]);
      case 'NotIn': return !(e.key in labels) || !(e.values ?? []).includes(labels[e.key]);
      case 'Exists': return e.key in labels;
      case 'DoesNotExist': return !(e.key in labels);
      default: throw new Error(`unknown operator ${e.operator}`);
    }
  });
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

/** Whether an IPv4 address lies in a CIDR block. */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipToNumber(ip) / size) === Math.floor(ipToNumber(base) / size);
}

/** Whether a pod-or-address peer entry of a rule matches the endpoint, for a policy in `policyNamespace`. */
function peerMatches(peer: K8sObject['spec'], policyNamespace: string, endpoint: Endpoint, namespaceLabels: (ns: string) => Record<string, string>): boolean {
  if (peer.ipBlock !== undefined) {
    return 'ip' in endpoint && inCidr(endpoint.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c: string) => inCidr(endpoint.ip, c));
  }
  if ('ip' in endpoint) {
    return false;
  }
  const inNamespace = peer.namespaceSelector === undefined
    ? endpoint.namespace === policyNamespace
    : matches(peer.namespaceSelector, namespaceLabels(endpoint.namespace));
  return inNamespace && matches(peer.podSelector, endpoint.labels);
}

function portMatches(ports: Array<{ port?: number | string; endPort?: number; protocol?: string }> | undefined, port: number, protocol: string): boolean {
  if (ports === undefined || ports.length === 0) {
    return true;
  }
  return ports.some((p) => {
    if (typeof p.port === 'string') {
      throw new Error('named ports are not supported by this evaluator');
    }
    const sameProtocol = (p.protocol ?? 'TCP') === protocol;
    return sameProtocol && (p.port === undefined || (p.endPort === undefined ? p.port === port : port >= p.port && port <= p.endPort));
  });
}

function policyTypes(policy: K8sObject): string[] {
  return policy.spec.policyTypes ?? (policy.spec.egress !== undefined ? ['Ingress', 'Egress'] : ['Ingress']);
}

/**
 * Whether `from` may open a connection to `to` on `port`/`protocol` under `policies`. Namespaces carry
 * `kubernetes.io/metadata.name` plus any labels given in `extraNamespaceLabels`.
 */
export function isAllowed(policies: K8sObject[], from: Endpoint, to: Endpoint, port: number, protocol: 'TCP' | 'UDP' = 'TCP',
  extraNamespaceLabels: Record<string, Record<string, string>> = {}): boolean {
  const namespaceLabels = (ns: string) => ({ ...extraNamespaceLabels[ns], 'kubernetes.io/metadata.name': ns });
  const side = (endpoint: Endpoint, type: 'Ingress' | 'Egress', other: Endpoint): boolean => {
    if ('ip' in endpoint) {
      return true;
    }
    const selecting = policies.filter((p) => p.kind === 'NetworkPolicy' && p.metadata.namespace === endpoint.namespace
      && policyTypes(p).includes(type) && matches(p.spec.podSelector, endpoint.labels));
    if (selecting.length === 0) {
      return true;
    }
    return selecting.some((p) => ((type === 'Ingress' ? p.spec.ingress : p.spec.egress) ?? []).some((rule: K8sObject['spec']) => {
      const peers = type === 'Ingress' ? rule.from : rule.to;
      const peerOk = peers === undefined || peers.length === 0 || peers.some((peer: K8sObject['spec']) => peerMatches(peer, p.metadata.namespace!, other, namespaceLabels));
      return peerOk && portMatches(rule.ports, port, protocol);
    }));
  };
  return side(from, 'Egress', to) && side(to, 'Ingress', from);
}
