import { ENVIRONMENTS, loadEnvironment } from '../stacks/config';
import { shippedEnvironments } from './environment-helpers';
import { K8sObject, findObject, ofKind } from './helpers';
import { Endpoint, isAllowed } from './network-policy-eval';

/**
 * What the public Ingress of each shipped environment reaches, and who may reach it: no Ingress path leads
 * to a metrics port or an internal path, and dev and staging carry their access restriction (seed 004).
 */

/** The nginx `server` blocks of the pods' config, by listen port. */
function nginxServers(objects: K8sObject[]): Map<number, string> {
  const conf = findObject(objects, 'ConfigMap', 'nginx-config').data['default.conf'] as string;
  const servers = new Map<number, string>();
  for (const block of conf.split(/^server \{$/m).slice(1)) {
    servers.set(Number(/listen (\d+);/.exec(block)![1]), block);
  }
  return servers;
}

/**
 * Where nginx sends a URI in one server block: the first regex location that matches (nginx's order when no
 * `^~`/exact prefix wins first), else `fallback`. Enough for the blocks rendered here.
 */
function regexLocationAnswer(block: string, uri: string): 'refused' | 'served' {
  for (const m of block.matchAll(/location ~ (\S+) \{\n\s+return 404;/g)) {
    if (new RegExp(m[1]).test(uri)) {
      return 'refused';
    }
  }
  return 'served';
}

const INTERNAL_URIS = ['/metrics', '/index.php/metrics', '/horizon', '/horizon/api/stats', '/telescope/requests'];

describe.each(shippedEnvironments())('%s public surface', (name, objects) => {
  const ingresses = ofKind(objects, 'Ingress');
  const backends = ingresses.flatMap((i) => i.spec.rules.flatMap((r: K8sObject) => r.http.paths.map((p: K8sObject) => p.backend.service)));
  const laravelPod: Endpoint = { namespace: 'ecommerce', labels: { 'app': 'laravel', 'environment': 'blue', 'app.kubernetes.io/name': 'laravel' } };
  const config = ENVIRONMENTS[name];
  // Where the environment runs a canary, its host is a second public surface: its own stable Ingress (and the
  // canary Ingress Argo Rollouts clones from it at run time), its stable and canary Services, its pods.
  const canary = config.delivery?.canary;
  const canaryPods: Endpoint[] = canary === undefined ? [] : [{ namespace: 'ecommerce', labels: { 'app': 'laravel', 'app.kubernetes.io/instance': canary.appName, 'rollouts-pod-template-hash': '5d8f7c9b4' } }];

  test('every Ingress path leads to the http port of the app, never to its metrics port', () => {
    expect(backends.length).toBeGreaterThan(0);
    const deployment = findObject(objects, 'Deployment', 'laravel-blue');
    const ports = deployment.spec.template.spec.containers[0].ports as Array<{ name: string; containerPort: number }>;
    const metrics = ports.find((p) => p.name === 'metrics')!;
    expect(metrics).toBeDefined();
    expect(deployment.spec.template.metadata.annotations['prometheus.io/port']).toBe(String(metrics.containerPort));
    for (const backend of backends) {
      const service = findObject(objects, 'Service', backend.name);
      const port = service.spec.ports.find((p: K8sObject) => p.port === backend.port.number);
      expect([8080, 'http']).toContain(port.targetPort);
      expect(port.targetPort).not.toBe(metrics.containerPort);
    }
    // No Service of the app's pods exposes the metrics port at all.
    const appServices = ofKind(objects, 'Service').filter((svc) => svc.spec.selector?.app === 'laravel');
    expect(appServices.length).toBe(canary === undefined ? 3 : 5);
    for (const service of appServices) {
      for (const p of service.spec.ports ?? []) {
        expect([metrics.containerPort, 'metrics']).not.toContain(p.targetPort);
      }
    }
  });

  test('the server behind the http port refuses every internal path; only the metrics server serves /metrics', () => {
    const servers = nginxServers(objects);
    const publicServer = servers.get(8080)!;
    for (const uri of INTERNAL_URIS) {
      expect([uri, regexLocationAnswer(publicServer, uri)]).toEqual([uri, 'refused']);
    }
    for (const uri of ['/', '/api/products', '/health/ready', '/checkout']) {
      expect([uri, regexLocationAnswer(publicServer, uri)]).toEqual([uri, 'served']);
    }
    const metricsServer = servers.get(9090)!;
    expect(metricsServer).toContain('location = /metrics {');
    expect(metricsServer).toMatch(/location \/ \{\n\s+return 404;/);
  });

  test('only Prometheus reaches the metrics port; the ingress controller reaches only the http port', () => {
    const policies = ofKind(objects, 'NetworkPolicy');
    const ingressController: Endpoint = { namespace: 'ingress-nginx', labels: {} };
    const prometheus: Endpoint = { namespace: 'monitoring', labels: { ...config.network.prometheus.podLabels } };
    expect(isAllowed(policies, ingressController, laravelPod, 8080)).toBe(true);
    expect(isAllowed(policies, ingressController, laravelPod, 9090)).toBe(false);
    expect(isAllowed(policies, prometheus, laravelPod, 9090)).toBe(true);
    expect(isAllowed(policies, { namespace: 'ecommerce', labels: { app: 'laravel-worker' } }, laravelPod, 9090)).toBe(false);
    for (const pod of canaryPods) {
      expect(isAllowed(policies, ingressController, pod, 8080)).toBe(true);
      expect(isAllowed(policies, ingressController, pod, 9090)).toBe(false);
      expect(isAllowed(policies, prometheus, pod, 9090)).toBe(true);
      expect(isAllowed(policies, { namespace: 'ecommerce', labels: { app: 'laravel-worker' } }, pod, 9090)).toBe(false);
    }
  });

  test('the canary\'s pods serve metrics on the web tier\'s metrics port, which no Service exposes', () => {
    if (canary === undefined) {
      expect(ofKind(objects, 'Rollout')).toEqual([]);
      return;
    }
    const web = findObject(objects, 'Deployment', 'laravel-blue').spec.template;
    const rollout = findObject(objects, 'Rollout', canary.appName).spec.template;
    expect(rollout.spec.containers[0].ports).toEqual(web.spec.containers[0].ports);
    for (const key of ['prometheus.io/scrape', 'prometheus.io/port', 'prometheus.io/path']) {
      expect([key, rollout.metadata.annotations[key]]).toEqual([key, web.metadata.annotations[key]]);
    }
  });

  test('one Ingress for the shop\'s host, and one for the canary\'s where the environment runs one', () => {
    const hosts = ingresses.flatMap((i) => i.spec.rules.map((r: K8sObject) => r.host)).sort();
    expect(hosts).toEqual([config.web.host, ...(canary === undefined ? [] : [canary.host])].sort());
  });

  test.each(['whitelist-source-range', 'auth-type', 'auth-secret', 'auth-url', 'auth-signin'])('every Ingress carries the web tier\'s %s', (key) => {
    const annotation = `nginx.ingress.kubernetes.io/${key}`;
    const web = findObject(objects, 'Ingress', 'laravel-ingress').metadata.annotations?.[annotation];
    expect(ingresses.length).toBeGreaterThan(0);
    for (const ingress of ingresses) {
      expect([ingress.metadata.name, ingress.metadata.annotations?.[annotation]]).toEqual([ingress.metadata.name, web]);
    }
  });

  test('dev and staging accept only the VPN and require a login; prod is public', () => {
    expect(ingresses.length).toBe(canary === undefined ? 1 : 2);
    const annotations = findObject(objects, 'Ingress', 'laravel-ingress').metadata.annotations ?? {};
    const ranges = annotations['nginx.ingress.kubernetes.io/whitelist-source-range'];
    if (name === 'prod') {
      expect(ranges).toBeUndefined();
      expect(annotations['nginx.ingress.kubernetes.io/auth-type']).toBeUndefined();
      expect(annotations['nginx.ingress.kubernetes.io/auth-url']).toBeUndefined();
    } else {
      expect(ranges).toBe(config.web.access.allowSourceRanges.join(','));
      expect(ranges.length).toBeGreaterThan(0);
      const basic = annotations['nginx.ingress.kubernetes.io/auth-type'] === 'basic' && annotations['nginx.ingress.kubernetes.io/auth-secret'] !== undefined;
      const sso = annotations['nginx.ingress.kubernetes.io/auth-url']?.startsWith('https://') === true;
      expect([basic, sso]).toContain(true);
    }
  });
});

describe('non-production access waiver', () => {
  test('a non-production environment may be public when the waiver says why', () => {
    const dev = ENVIRONMENTS.dev;
    const open = { ...dev, web: { ...dev.web, access: { allowSourceRanges: [], publicWaiver: 'public demo for the trade fair, no customer data' } } };
    expect(loadEnvironment('dev', { dev: open }).web.access.publicWaiver).toBe('public demo for the trade fair, no customer data');
    expect(() => loadEnvironment('dev', { dev: { ...open, web: { ...open.web, access: { allowSourceRanges: [] } } } }))
      .toThrow('[environment dev] web.access.allowSourceRanges: required outside production');
  });
});
