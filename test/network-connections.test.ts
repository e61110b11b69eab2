import { App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ConnectionSpec, NetworkConnections, NetworkPeer } from '../lib/safety/network-connections';

const web = NetworkPeer.pods('shop', { app: 'web' });
const db = NetworkPeer.pods('shop', { app: 'mysql' });

function declare(spec: Partial<ConnectionSpec>) {
  const chart = new Chart(new App(), 'test');
  return () => NetworkConnections.of(chart).allow(chart, { from: web, to: db, port: 3306, reason: 'orders', ...spec });
}

describe('NetworkConnections', () => {
  test('keeps one registry per tree and records declarations in order, with their owner', () => {
    const chart = new Chart(new App(), 'test');
    NetworkConnections.of(chart).allow(chart, { from: web, to: db, port: 3306, reason: ' orders ' });
    NetworkConnections.of(new Construct(chart, 'Nested')).allow(chart, { from: web, to: NetworkPeer.cidr('0.0.0.0/0', ['10.0.0.0/8']), port: 443, protocol: 'TCP', reason: 'Stripe' });
    expect(NetworkConnections.of(chart).connections().map((c) => [c.from.describe(), c.to.describe(), c.port, c.protocol, c.reason, c.owner])).toEqual([
      ['pods app=web in shop', 'pods app=mysql in shop', 3306, 'TCP', 'orders', 'test'],
      ['pods app=web in shop', '0.0.0.0/0 except 10.0.0.0/8', 443, 'TCP', 'Stripe', 'test'],
    ]);
  });

  test('describes namespaces selected by other labels, and all pods', () => {
    expect(NetworkPeer.podsInNamespaces({ team: 'edge' }).describe()).toBe('all pods in namespaces team=edge');
    expect(NetworkPeer.ingressController().describe()).toBe('ingressController');
  });

  const cases: Array<[string, Partial<ConnectionSpec>, string]> = [
    ['port 0', { port: 0 }, '[test] network.allow.port: must be a port number from 1 to 65535, got 0'],
    ['port 70000', { port: 70000 }, '[test] network.allow.port: must be a port number from 1 to 65535, got 70000'],
    ['an unknown protocol', { protocol: 'SCTP' as never }, '[test] network.allow.protocol: must be one of "TCP", "UDP", got "SCTP"'],
    ['an empty reason', { reason: '' }, '[test] network.allow.reason: required, got ""'],
    ['an invalid CIDR', { to: NetworkPeer.cidr('10.0.0.0/33') }, '[test] network.allow.to.cidr: must be an IPv4 CIDR block such as "10.0.0.0/8", got "10.0.0.0/33"'],
    ['a CIDR with host bits', { to: NetworkPeer.cidr('10.0.0.1/8') }, '[test] network.allow.to.cidr: must start at the network address of the block (host bits zero), got "10.0.0.1/8"'],
    ['an invalid except block', { to: NetworkPeer.cidr('0.0.0.0/0', ['private']) }, '[test] network.allow.to.except[0]: must be an IPv4 CIDR block such as "10.0.0.0/8", got "private"'],
    ['a declared DNS connection', { to: NetworkPeer.dns() }, '[test] network.allow.to: DNS is allowed for every pod already: do not declare it'],
    ['two address blocks', { from: NetworkPeer.cidr('0.0.0.0/0'), to: NetworkPeer.cidr('10.0.0.0/8') }, '[test] network.allow: one end must be pods in the cluster, got two address blocks'],
    ['an invalid namespace', { from: NetworkPeer.pods('Shop', {}) }, '[test] network.allow.from.namespace: must be a DNS-1123 label (lower-case letters, digits and \'-\', at most 63 characters), got "Shop"'],
    ['an invalid pod label', { from: NetworkPeer.pods('shop', { app: 'web app' }) }, '[test] network.allow.from.labels: must be a label value (at most 63 characters: letters, digits, \'-\', \'_\', \'.\'; alphanumeric at both ends), got "web app"'],
  ];
  test.each(cases)('rejects %s', (_what, spec, message) => {
    expect(declare(spec)).toThrow(message);
  });
});
