import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { DeclaredNamespaces } from '../lib/core/declared-namespaces';
import { Construct } from 'constructs';
import { renderCharts } from '../lib/render/manifest-writer';
import { DeclaredConnection, NAMESPACE_NAME_LABEL, NetworkConnections, NetworkPeer, PodPeer } from '../lib/safety/network-connections';
import { ALLOW_DNS_POLICY, CONNECTIONS_ANNOTATION, DEFAULT_DENY_POLICY, NetworkPolicies } from '../lib/safety/network-policies';
import { PLATFORM_CONNECTIONS_ANNOTATION } from '../lib/laravel';
import { ENVIRONMENTS, EnvironmentConfig, EnvironmentName } from '../stacks/config';
import { buildEnvironment } from '../stacks/platform';
import { K8sObject, findObject, ofKind, selects, nonEmpty } from './helpers';
import { Endpoint, inCidr, isAllowed } from './network-policy-eval';

/** Addresses outside the cluster to stand in for an ipBlock peer. */
/** Sample addresses: public ones for internet peers, one in the cluster's node range for node peers. */
const SAMPLE_ADDRESSES = ['52.95.110.1', '54.187.174.169', '3.5.140.2', '10.0.12.34'];

function build(config: EnvironmentConfig, extend?: (root: Construct) => void) {
  const app = new App();
  const { root } = buildEnvironment(app, config);
  extend?.(root);
  const objects = renderCharts(root).flatMap((f) => f.objects as K8sObject[]);
  return { root, objects, policies: ofKind(objects, 'NetworkPolicy'), connections: NetworkConnections.of(root).connections() };
}

const builtShipped = new Map<EnvironmentName, ReturnType<typeof build>>();
/** A shipped environment, built and rendered once for this file: the tests only read it. */
function shipped(name: EnvironmentName): ReturnType<typeof build> {
  if (!builtShipped.has(name)) {
    builtShipped.set(name, build(ENVIRONMENTS[name]));
  }
  return builtShipped.get(name)!;
}

function podEndpoint(peer: PodPeer): Endpoint {
  const namespace = peer.namespaceLabels[NAMESPACE_NAME_LABEL];
  if (namespace === undefined) {
    throw new Error('test peers are located by namespace name');
  }
  return { namespace, labels: { ...peer.podLabels } };
}

/** A concrete endpoint standing for a declared peer. */
function endpoint(peer: NetworkPeer, config: EnvironmentConfig): Endpoint {
  if (peer.wellKnown === 'ingressController') {
    return podEndpoint(config.network.ingressController);
  }
  if (peer.wellKnown === 'prometheus') {
    return podEndpoint(config.network.prometheus);
  }
  if (peer.cidr !== undefined) {
    const ip = SAMPLE_ADDRESSES.find((a) => inCidr(a, peer.cidr!.cidr) && !peer.cidr!.except.some((e) => inCidr(a, e)));
    if (ip === undefined) {
      throw new Error(`no sample address in ${peer.describe()}`);
    }
    return { ip };
  }
  return podEndpoint(peer.pods!);
}

const allowedUnder = (policies: K8sObject[], config: EnvironmentConfig) => (c: DeclaredConnection) =>
  isAllowed(policies, endpoint(c.from, config), endpoint(c.to, config), c.port, c.protocol);

const laravel: Endpoint = { namespace: 'ecommerce', labels: { 'app': 'laravel', 'environment': 'blue', 'app.kubernetes.io/name': 'laravel' } };
const mysql: Endpoint = { namespace: 'ecommerce', labels: { app: 'mysql' } };
const redis: Endpoint = { namespace: 'ecommerce', labels: { app: 'redis' } };
const ingressController: Endpoint = { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
/** Our own Prometheus (standalone environments: dev and prod). */
const prometheus: Endpoint = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus-server' } };
const kubeDns: Endpoint = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };

describe.each(Object.keys(ENVIRONMENTS) as EnvironmentName[])('%s NetworkPolicies', (name) => {
  const config = ENVIRONMENTS[name];
  const { policies, connections } = shipped(name);

  const describeAll = (list: DeclaredConnection[]) => list.map((c) => `${c.from.describe()} -> ${c.to.describe()} ${c.port}/${c.protocol}`);

  test('the web tier declares exactly its five connections', () => {
    expect(describeAll(connections.filter((c) => c.owner.startsWith(`${name}/Web/`)))).toEqual([
      'ingressController -> pods app=laravel in ecommerce 8080/TCP',
      'prometheus -> pods app=laravel in ecommerce 9090/TCP',
      'pods app=laravel in ecommerce -> pods app=mysql in ecommerce 3306/TCP',
      'pods app=laravel in ecommerce -> pods app=redis in ecommerce 6379/TCP',
      'pods app=laravel in ecommerce -> 0.0.0.0/0 except 10.0.0.0/8, 169.254.0.0/16, 172.16.0.0/12, 192.168.0.0/16 443/TCP',
    ]);
  });

  test('workers and the scheduler reach MySQL, Redis and HTTPS, and nothing else; KEDA reads Redis where workers scale on queues', () => {
    const https = '0.0.0.0/0 except 10.0.0.0/8, 169.254.0.0/16, 172.16.0.0/12, 192.168.0.0/16 443/TCP';
    expect(describeAll(connections.filter((c) => c.owner.startsWith(`${name}/Workers/`)))).toEqual(['laravel-worker', 'laravel-scheduler'].flatMap((app) => [
      `pods app=${app} in ecommerce -> pods app=mysql in ecommerce 3306/TCP`,
      `pods app=${app} in ecommerce -> pods app=redis in ecommerce 6379/TCP`,
      `pods app=${app} in ecommerce -> ${https}`,
    ]).concat(config.workers.autoscaling?.metric === 'queueLength' ? ['pods app=keda-operator in keda -> pods app=redis in ecommerce 6379/TCP'] : []));
    const worker: Endpoint = { namespace: 'ecommerce', labels: { app: 'laravel-worker' } };
    expect(isAllowed(policies, worker, mysql, 3306)).toBe(true);
    expect(isAllowed(policies, worker, laravel, 8080)).toBe(false);
    expect(isAllowed(policies, ingressController, worker, 8080)).toBe(false);
  });

  test('backup pods reach MySQL and HTTPS where backups are on, and nothing reaches them', () => {
    const backup: Endpoint = { namespace: 'ecommerce', labels: { app: 'database-backup' } };
    expect(isAllowed(policies, backup, mysql, 3306)).toBe(config.backup.enabled);
    expect(isAllowed(policies, backup, { ip: '52.216.0.10' }, 443)).toBe(config.backup.enabled);
    expect(isAllowed(policies, backup, redis, 6379)).toBe(false);
    expect(isAllowed(policies, laravel, backup, 8080)).toBe(false);
  });

  test('MySQL replicas reach the primary only where there are replicas', () => {
    const replica: Endpoint = { namespace: 'ecommerce', labels: { app: 'mysql', role: 'replica' } };
    const primary: Endpoint = { namespace: 'ecommerce', labels: { app: 'mysql', role: 'primary' } };
    expect(isAllowed(policies, replica, primary, 3306)).toBe(config.mysql.replicas > 0);
    expect(isAllowed(policies, primary, replica, 3306)).toBe(false);
  });

  test('every declared connection is allowed by the rendered policies', () => {
    const denied = nonEmpty(connections, 'declared connection').filter((c) => !allowedUnder(policies, config)(c));
    expect(denied).toEqual([]);
  });

  test('the evaluator can fail: under default-deny alone every declared connection is denied, with no policy all pass', () => {
    const denyOnly = policies.filter((p) => p.metadata.name === DEFAULT_DENY_POLICY);
    expect(connections.filter(allowedUnder(denyOnly, config))).toEqual([]);
    expect(nonEmpty(connections, 'declared connection').every(allowedUnder([], config))).toBe(true);
  });

  test('every pod may reach cluster DNS on UDP and TCP 53, and nothing else there', () => {
    for (const pod of [laravel, mysql, redis, { namespace: 'ecommerce', labels: {} }]) {
      expect(isAllowed(policies, pod, kubeDns, 53, 'UDP')).toBe(true);
      expect(isAllowed(policies, pod, kubeDns, 53, 'TCP')).toBe(true);
      expect(isAllowed(policies, pod, kubeDns, 80, 'TCP')).toBe(false);
    }
  });

  const undeclared: Array<[string, Endpoint, Endpoint, number]> = [
    ['laravel to MySQL on another port', laravel, mysql, 33060],
    ['the ingress controller to MySQL', ingressController, mysql, 3306],
    ['the ingress controller to laravel on another port', ingressController, laravel, 9000],
    ['Prometheus to Redis', prometheus, redis, 6379],
    ['Redis to laravel', redis, laravel, 8080],
    ['MySQL to the internet', mysql, { ip: '52.95.110.1' }, 443],
    ['laravel to the internet over plain HTTP', laravel, { ip: '52.95.110.1' }, 80],
    ['laravel to a private address', laravel, { ip: '10.0.12.7' }, 443],
    ['laravel to the cloud metadata endpoint', laravel, { ip: '169.254.169.254' }, 443],
    ['a pod of another namespace to laravel', { namespace: 'default', labels: { app: 'laravel' } }, laravel, 8080],
    ['an unlabelled pod of the namespace to MySQL', { namespace: 'ecommerce', labels: {} }, mysql, 3306],
  ];
  test.each(undeclared)('denies an undeclared connection: %s', (_what, from, to, port) => {
    expect(isAllowed(policies, from, to, port)).toBe(false);
  });

  test('denies all ingress and egress by default in the namespace', () => {
    const deny = policies.find((p) => p.metadata.name === DEFAULT_DENY_POLICY && p.metadata.namespace === 'ecommerce')!;
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const names = policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    expect(names.slice(0, 2)).toEqual(['ecommerce/default-deny', 'ecommerce/allow-dns-egress']);
    expect(names).toEqual(expect.arrayContaining([
      'ecommerce/allow-egress-from-laravel', 'ecommerce/allow-ingress-to-laravel', 'ecommerce/allow-ingress-to-mysql', 'ecommerce/allow-ingress-to-redis',
      'ecommerce/allow-egress-from-laravel-worker', 'ecommerce/allow-egress-from-laravel-scheduler',
    ]));
  });
});

describe('NetworkPolicies', () => {
  test('include connections declared by constructs created after them, in any chart', () => {
    const config = ENVIRONMENTS.prod;
    const workers = NetworkPeer.pods('ecommerce', { app: 'queue-worker' });
    const { policies, objects } = build(config, (root) => {
      const chart = new Chart(root, 'LateChart', { namespace: 'ecommerce' });
      NetworkConnections.of(chart).allow(chart, { from: workers, to: NetworkPeer.pods('ecommerce', { app: 'mysql' }), port: 3306, reason: 'jobs read orders' });
    });
    const worker: Endpoint = { namespace: 'ecommerce', labels: { app: 'queue-worker' } };
    expect(isAllowed(policies, worker, mysql, 3306)).toBe(true);
    expect(isAllowed(policies, worker, redis, 6379)).toBe(false);
    expect(isAllowed(policies, laravel, mysql, 3306)).toBe(true);
    const documented = findObject(objects, 'NetworkPolicy', 'allow-ingress-to-mysql').metadata.annotations![PLATFORM_CONNECTIONS_ANNOTATION].split('\n');
    expect(documented).toEqual(expect.arrayContaining([
      'pods app=laravel in ecommerce -> pods app=mysql in ecommerce 3306/TCP: orders, users and catalogue in MySQL (prod/Web/Laravel)',
      'pods app=queue-worker in ecommerce -> pods app=mysql in ecommerce 3306/TCP: jobs read orders (prod/LateChart)',
    ]));
  });

  test('lock down every namespace the tree renders, and derive both sides when both are ours', () => {
    const { policies } = shipped('prod');
    const monitoring = policies.filter((p) => p.metadata.namespace === 'monitoring').map((p) => p.metadata.name);
    expect(monitoring.slice(0, 2)).toEqual([DEFAULT_DENY_POLICY, ALLOW_DNS_POLICY]);
    expect(monitoring).toEqual(expect.arrayContaining(['allow-egress-from-prometheus-server', 'allow-ingress-to-alertmanager', 'allow-egress-from-grafana']));
    expect(isAllowed(policies, prometheus, laravel, 9090)).toBe(true);
    expect(isAllowed(policies, prometheus, laravel, 8080)).toBe(false);
    expect(isAllowed(policies, prometheus, mysql, 3306)).toBe(false);
    expect(isAllowed(policies, { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'grafana' } }, laravel, 9090)).toBe(false);
    expect(isAllowed(policies, { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'grafana' } }, prometheus, 9090)).toBe(true);
  });

  test('in standalone environments the Prometheus peer selects the rendered Prometheus pods', () => {
    for (const name of ['dev', 'prod'] as const) {
      const config = ENVIRONMENTS[name];
      const { objects } = shipped(name);
      const server = findObject(objects, 'Deployment', 'prometheus-server');
      expect(server.metadata.namespace).toBe('monitoring');
      expect(selects(config.network.prometheus.podLabels, server.spec.template.metadata.labels)).toBe(true);
    }
  });

  test('fails when neither end of a connection runs in a namespace the tree renders', () => {
    expect(() => build(ENVIRONMENTS.prod, (root) => {
      const chart = new Chart(root, 'Elsewhere');
      NetworkConnections.of(chart).allow(chart, { from: NetworkPeer.pods('batch', { app: 'a' }), to: NetworkPeer.pods('batch', { app: 'b' }), port: 80, reason: 'r' });
    })).toThrow('[prod/Network/Policies] connections[prod/Elsewhere]: neither pods app=a in batch nor pods app=b in batch runs in a namespace rendered here (ecommerce, monitoring)');
  });

  test('an explicit namespace list overrides discovery, and a selector-less peer selects the whole namespace', () => {
    const chart = new Chart(new App(), 'test');
    new NetworkPolicies(chart, 'Policies', {
      partOf: 'shop',
      namespaces: ['shop'],
      ingressController: { namespaceLabels: { team: 'edge' }, podLabels: {} },
      prometheus: { namespaceLabels: { [NAMESPACE_NAME_LABEL]: 'monitoring' }, podLabels: {} },
    });
    NetworkConnections.of(chart).allow(chart, { from: NetworkPeer.ingressController(), to: NetworkPeer.pods('shop', { app: 'web' }), port: 8080, reason: 'r' });
    const objects = renderCharts(chart).flatMap((f) => f.objects as K8sObject[]);
    const ingress = findObject(objects, 'NetworkPolicy', 'allow-ingress-to-web');
    expect(ingress.spec.ingress).toEqual([{ from: [{ namespaceSelector: { matchLabels: { team: 'edge' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
    expect(isAllowed(ofKind(objects, 'NetworkPolicy'), { namespace: 'lb', labels: {} }, { namespace: 'shop', labels: { app: 'web' } }, 8080, 'TCP', { lb: { team: 'edge' } })).toBe(true);
    expect(isAllowed(ofKind(objects, 'NetworkPolicy'), { namespace: 'lb', labels: {} }, { namespace: 'shop', labels: { app: 'web' } }, 8080)).toBe(false);
  });

  test('rejects a peer location without namespace labels', () => {
    const chart = new Chart(new App(), 'test');
    expect(() => new NetworkPolicies(chart, 'Policies', {
      partOf: 'shop',
      ingressController: { namespaceLabels: {}, podLabels: {} },
      prometheus: { namespaceLabels: { [NAMESPACE_NAME_LABEL]: 'monitoring' }, podLabels: {} },
    })).toThrow('[test/Policies] ingressController.namespaceLabels: required: at least one label of the namespace');
  });

  /** A chart with policies for namespace `shop`, and connections declared before and after them. */
  function shop(order: 'policies-first' | 'policies-last', connections: Array<[string, string, number]>): Chart {
    const chart = new Chart(new App(), 'test');
    const policies = () => new NetworkPolicies(chart, 'Policies', {
      partOf: 'shop',
      ingressController: { namespaceLabels: { team: 'edge' }, podLabels: {} },
      prometheus: { namespaceLabels: { [NAMESPACE_NAME_LABEL]: 'monitoring' }, podLabels: {} },
    });
    if (order === 'policies-first') {
      policies();
    }
    for (const [from, to, port] of connections) {
      NetworkConnections.of(chart).allow(chart, { from: NetworkPeer.pods('shop', { app: from }), to: NetworkPeer.pods('shop', { app: to }), port, reason: `${from} uses ${to}` });
    }
    DeclaredNamespaces.of(chart).declare('shop');
    if (order === 'policies-last') {
      policies();
    }
    return chart;
  }

  test('are complete under stock Testing.synth, whether declared before or after the policies, in one order', () => {
    const connections: Array<[string, string, number]> = [['web', 'db', 5432], ['worker', 'db', 5432], ['web', 'cache', 6379]];
    const first = Testing.synth(shop('policies-first', connections));
    const last = Testing.synth(shop('policies-last', [...connections].reverse()));
    expect(first.map((o) => o.metadata.name)).toEqual([
      DEFAULT_DENY_POLICY, ALLOW_DNS_POLICY, 'allow-egress-from-web', 'allow-egress-from-worker', 'allow-ingress-to-cache', 'allow-ingress-to-db',
    ]);
    expect(last).toEqual(first);
    expect(isAllowed(first, { namespace: 'shop', labels: { app: 'worker' } }, { namespace: 'shop', labels: { app: 'db' } }, 5432)).toBe(true);
    expect(isAllowed(first, { namespace: 'shop', labels: { app: 'worker' } }, { namespace: 'shop', labels: { app: 'cache' } }, 6379)).toBe(false);
    expect(findObject(first, 'NetworkPolicy', 'allow-ingress-to-db').metadata.annotations![CONNECTIONS_ANNOTATION]).toBe(
      'pods app=web in shop -> pods app=db in shop 5432/TCP: web uses db (test)\npods app=worker in shop -> pods app=db in shop 5432/TCP: worker uses db (test)');
  });

  test('fails when a Namespace object is rendered but not declared, naming it', () => {
    const chart = shop('policies-first', []);
    new kplus.Namespace(chart, 'Batch', { metadata: { name: 'batch' } });
    expect(() => renderCharts(chart)).toThrow('[test/Policies] namespaces: Namespace "batch" (test/Batch/Resource) is rendered but not declared');
  });
});

describe('NetworkPolicies names', () => {
  function policiesFor(podLabels: Array<Record<string, string>>): K8sObject[] {
    const chart = new Chart(new App(), 'test');
    new NetworkPolicies(chart, 'Policies', {
      partOf: 'shop',
      namespaces: ['shop'],
      ingressController: { namespaceLabels: { team: 'edge' }, podLabels: {} },
      prometheus: { namespaceLabels: { [NAMESPACE_NAME_LABEL]: 'monitoring' }, podLabels: {} },
    });
    for (const labels of podLabels) {
      NetworkConnections.of(chart).allow(chart, { from: NetworkPeer.ingressController(), to: NetworkPeer.pods('shop', labels), port: 8080, reason: 'r' });
    }
    return ofKind(renderCharts(chart).flatMap((f) => f.objects as K8sObject[]), 'NetworkPolicy')
      .filter((p) => p.metadata.name.startsWith('allow-ingress-to-'));
  }

  test('a name longer than 63 characters ends in a stable hash instead of being cut, and two such names stay apart', () => {
    const long = 'ecommerce-storefront-application-service-x1';
    const names = policiesFor([{ app: `${long}-scheduler` }, { app: `${long}-smoke-test` }]).map((p) => p.metadata.name).sort();
    expect(names).toHaveLength(2);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(/^allow-ingress-to-ecommerce-storefront-application-s[a-z-]*-[0-9a-f]{8}$/);
    }
    expect(new Set(names).size).toBe(2);
    const alone = policiesFor([{ app: `${long}-scheduler` }]).map((p) => p.metadata.name);
    expect(alone).toHaveLength(1);
    expect(names).toContain(alone[0]);
  });

  test('two pod sets whose label values join to the same words get distinct hashed names', () => {
    const names = policiesFor([{ app: 'a-b' }, { app: 'a', tier: 'b' }, { app: 'web' }]).map((p) => p.metadata.name).sort();
    expect(names).toHaveLength(3);
    expect(names).toContain('allow-ingress-to-web');
    expect(names.filter((n) => /^allow-ingress-to-a-b-[0-9a-f]{8}$/.test(n))).toHaveLength(2);
  });
});
