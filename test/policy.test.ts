import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { RegistryOwner } from '../lib/core/registry-owner';
import { renderCharts } from '../lib/render/manifest-writer';
import { POLICY_RULE_IDS, Policy, PolicyCheckOptions, PolicyRuleId, isPinnedImage } from '../lib/safety/policy';
import { ENVIRONMENTS, EnvironmentName } from '../stacks/config';
import { buildEnvironment } from '../stacks/platform';
import { renderedFiles } from './environment-helpers';
import { nonEmpty } from './helpers';

const k8s = kplus.k8s;
const q = (v: string) => k8s.Quantity.fromString(v);
const RESOURCES = { requests: { cpu: q('100m'), memory: q('128Mi') }, limits: { cpu: q('200m'), memory: q('256Mi') } };
const PROBE = { httpGet: { path: '/healthz', port: k8s.IntOrString.fromNumber(8080) } };
const SECURE: kplus.k8s.SecurityContext = {
  allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
};

/** A container meeting every rule; tests override one field at a time. */
function container(overrides: Partial<kplus.k8s.Container> = {}): kplus.k8s.Container {
  return { name: 'app', image: 'ghcr.io/acme/app:v1.0.0', resources: RESOURCES, readinessProbe: PROBE, livenessProbe: PROBE, securityContext: SECURE, ports: [{ name: 'http', containerPort: 8080 }], ...overrides };
}

function tree(): { root: Construct; chart: Chart } {
  const root = new Construct(new App(), 'prod');
  RegistryOwner.declare(root);
  return { root, chart: new Chart(root, 'Apps', { namespace: 'shop', disableResourceNameHashes: true }) };
}

/** A raw Deployment with `replicas` pods; one pod unless told. */
function deployment(scope: Construct, id: string, name: string, pod: Partial<kplus.k8s.PodSpec> = {}, replicas = 1, labels: Record<string, string> = { app: name }): kplus.k8s.KubeDeployment {
  return new k8s.KubeDeployment(scope, id, {
    metadata: { name },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [container()], ...pod } } },
  });
}

function check(root: Construct, options: PolicyCheckOptions = {}) {
  return Policy.of(root).check(renderCharts(root), options);
}

/** `rule path: message` of every finding. */
function findings(root: Construct, options?: PolicyCheckOptions): string[] {
  return check(root, options).findings.map((f) => `${f.status} ${f.rule} ${f.path}: ${f.object}: ${f.message}`);
}

/**
 * The policy pass over a shipped environment: the suppressions and exceptions its construct tree declares,
 * over this run's render of it.
 */
function checkShipped(name: EnvironmentName) {
  const { root } = buildEnvironment(new App(), ENVIRONMENTS[name]);
  return Policy.of(root).check(renderedFiles(ENVIRONMENTS[name]), { warnings: ENVIRONMENTS[name].policy.warnings });
}

describe('policy pass on the shipped environments', () => {
  test('prod (standalone monitoring) has no finding at all: no error, warning or waiver', () => {
    const report = checkShipped('prod');
    expect(report.findings.map((f) => `${f.status} ${f.rule} ${f.object}`)).toEqual([]);
    expect(report.unusedWaivers).toEqual([]);
  });

  test('staging (operator monitoring) has no error or warning, and only the waiver of the operator\'s configSecret', () => {
    const report = checkShipped('staging');
    expect(report.findings.map((f) => `${f.status} ${f.rule} ${f.object}`)).toEqual(['waived secret-literal-data Secret monitoring/alertmanager-config']);
    expect(report.unusedWaivers).toEqual([]);
  });

  test('dev only warns about its moving image tag', () => {
    const report = checkShipped('dev');
    expect(report.findings.map((f) => `${f.status} ${f.rule} ${f.path}: ${f.object}: ${f.message}`).filter((f) => !f.startsWith('waived '))).toEqual([
      'warning image-pinned dev/Deploy/Hooks/CacheWarm: Job ecommerce/laravel-cache-warm: container "cache-warm" image "ghcr.io/ibekzod/laravel-ecommerce:main" is not pinned to a semantic version or sha256 digest',
      'warning image-pinned dev/Deploy/Hooks/Migrate: Job ecommerce/laravel-migrate: container "migrate" image "ghcr.io/ibekzod/laravel-ecommerce:main" is not pinned to a semantic version or sha256 digest',
      'warning image-pinned dev/Web/Laravel/Blue: Deployment ecommerce/laravel-blue: container "laravel" image "ghcr.io/ibekzod/laravel-ecommerce:main" is not pinned to a semantic version or sha256 digest',
      'warning image-pinned dev/Web/Laravel/Green: Deployment ecommerce/laravel-green: container "laravel" image "ghcr.io/ibekzod/laravel-ecommerce:main" is not pinned to a semantic version or sha256 digest',
      'warning image-pinned dev/Workers/Scheduler/Deployment: Deployment ecommerce/laravel-scheduler: container "scheduler" image "ghcr.io/ibekzod/laravel-ecommerce-worker:main" is not pinned to a semantic version or sha256 digest',
      'warning image-pinned dev/Workers/Worker/Deployment: Deployment ecommerce/laravel-worker: container "worker" image "ghcr.io/ibekzod/laravel-ecommerce-worker:main" is not pinned to a semantic version or sha256 digest',
    ]);
  });
});

describe('policy rules', () => {
  test('a compliant workload passes every rule', () => {
    const { root, chart } = tree();
    deployment(chart, 'Web', 'web');
    expect(findings(root)).toEqual([]);
  });

  const podCases: Array<[PolicyRuleId, Partial<kplus.k8s.PodSpec>, string]> = [
    ['pod-security-restricted', { containers: [container({ securityContext: { ...SECURE, privileged: true } })] }, 'container "app" is privileged'],
    ['pod-security-restricted', { containers: [container({ securityContext: { ...SECURE, allowPrivilegeEscalation: true } })] }, 'container "app" does not set allowPrivilegeEscalation: false'],
    ['pod-security-restricted', { containers: [container({ securityContext: { ...SECURE, capabilities: {} } })] }, 'container "app" does not drop ALL capabilities'],
    ['pod-security-restricted', { containers: [container({ securityContext: { ...SECURE, capabilities: { drop: ['ALL'], add: ['NET_ADMIN', 'NET_BIND_SERVICE'] } } })] }, 'container "app" adds capabilities NET_ADMIN (only NET_BIND_SERVICE is allowed)'],
    ['pod-security-restricted', { containers: [container({ securityContext: { ...SECURE, runAsNonRoot: undefined } })] }, 'container "app" may run as root: set runAsNonRoot: true on the pod or the container'],
    ['pod-security-restricted', { containers: [container({ securityContext: { ...SECURE, runAsUser: 0 } })] }, 'container "app" runs as UID 0'],
    ['pod-security-restricted', { containers: [container({ securityContext: { ...SECURE, seccompProfile: { type: 'Unconfined' } } })] }, 'container "app" has no RuntimeDefault or Localhost seccomp profile (got Unconfined)'],
    ['pod-security-restricted', { securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }] } }, 'the pod sets the unsafe sysctl kernel.msgmax'],
    ['pod-security-restricted', { volumes: [{ name: 'data', nfs: { server: 'nfs', path: '/x' } }] }, 'volume "data" is of type nfs (allowed: configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret)'],
    ['host-access', { volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }] }, 'volume "logs" mounts the node\'s /var/log (hostPath)'],
    ['host-access', { hostNetwork: true }, 'the pod sets hostNetwork: true'],
    ['host-access', { hostPid: true }, 'the pod sets hostPID: true'],
    ['host-access', { containers: [container({ ports: [{ containerPort: 8080, hostPort: 8080, name: 'http' }] })] }, 'container "app" binds host port 8080'],
    ['container-resources', { containers: [container({ resources: { requests: RESOURCES.requests } })] }, 'container "app" has no limits.cpu, limits.memory'],
    ['container-resources', { initContainers: [container({ name: 'migrate', resources: undefined })] }, 'init container "migrate" has no requests.cpu, requests.memory, limits.cpu, limits.memory'],
    ['container-probes', { containers: [container({ livenessProbe: undefined })] }, 'container "app" has no livenessProbe'],
    ['container-probes', { containers: [container({ readinessProbe: undefined, livenessProbe: undefined })] }, 'container "app" has no readinessProbe or livenessProbe'],
    ['image-tag', { containers: [container({ image: 'nginx' })] }, 'container "app" image "nginx" has no tag or digest'],
    ['image-tag', { containers: [container({ image: 'registry:5000/nginx:latest' })] }, 'container "app" image "registry:5000/nginx:latest" uses the moving tag latest'],
    ['image-pinned', { containers: [container({ image: 'ghcr.io/acme/app:main' })] }, 'container "app" image "ghcr.io/acme/app:main" is not pinned to a semantic version or sha256 digest'],
  ];
  test.each(podCases)('%s: reports %s', (rule, pod, message) => {
    const { root, chart } = tree();
    deployment(chart, 'Web', 'web', pod);
    expect(findings(root)).toEqual([`error ${rule} prod/Apps/Web: Deployment shop/web: ${message}`]);
  });

  test('image-pinned accepts major.minor only for products released that way (PostgreSQL 10 and later)', () => {
    const pinned = ['postgres:16.4', 'postgres:10.23-alpine3.20', 'library/postgres:16.4-bookworm', 'docker.io/library/postgres:17.0',
      'mysql:8.0.39', 'ghcr.io/acme/app:v1.2.3', `postgres@sha256:${'b'.repeat(64)}`];
    const moving = ['postgres:16', 'postgres:9.6', 'mysql:8.0', 'ghcr.io/acme/postgres:16.4', 'registry:5000/postgres:16.4', 'redis:7.2', 'postgres:16.4-'];
    expect(pinned.filter((image) => !isPinnedImage(image))).toEqual([]);
    expect(moving.filter((image) => isPinnedImage(image))).toEqual([]);
    const { root, chart } = tree();
    deployment(chart, 'Web', 'web', { containers: [container({ image: 'postgres:16.4' })] });
    deployment(chart, 'Old', 'old', { containers: [container({ image: 'postgres:9.6' })] });
    expect(findings(root)).toEqual(['error image-pinned prod/Apps/Old: Deployment shop/old: container "app" image "postgres:9.6" is not pinned to a semantic version or sha256 digest']);
  });

  test('accepts a digest, a registry port, and probes missing only on init containers and Jobs', () => {
    const { root, chart } = tree();
    deployment(chart, 'Web', 'web', { initContainers: [container({ name: 'init', readinessProbe: undefined, livenessProbe: undefined })],
      containers: [container({ image: `registry:5000/app@sha256:${'a'.repeat(64)}` })] });
    new k8s.KubeJob(chart, 'Job', { metadata: { name: 'once' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [container({ readinessProbe: undefined, livenessProbe: undefined })] } } } });
    expect(findings(root)).toEqual([]);
  });

  test('reports a multi-replica workload without a PDB or spread, and accepts one with both', () => {
    const { root, chart } = tree();
    deployment(chart, 'Bare', 'bare', {}, 3);
    const spread = { topologySpreadConstraints: [{ topologyKey: 'kubernetes.io/hostname', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'good' } } }] };
    deployment(chart, 'Good', 'good', spread, 3);
    new k8s.KubePodDisruptionBudget(chart, 'GoodPdb', { metadata: { name: 'good' }, spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { app: 'good' } } } });
    expect(findings(root)).toEqual([
      'error disruption-budget prod/Apps/Bare: Deployment shop/bare: can run 3 pods but no PodDisruptionBudget selects them',
      'error node-spread prod/Apps/Bare: Deployment shop/bare: can run 3 pods but has no topology spread (or anti-affinity) over kubernetes.io/hostname for its own pods',
    ]);
  });

  test('counts an autoscaler\'s maximum as the replicas, and reports an HPA or PDB with nothing to target', () => {
    const { root, chart } = tree();
    deployment(chart, 'Web', 'web', {}, 1);
    new k8s.KubeHorizontalPodAutoscalerV2(chart, 'Hpa', { metadata: { name: 'web' }, spec: { minReplicas: 1, maxReplicas: 4, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } } });
    new k8s.KubeHorizontalPodAutoscalerV2(chart, 'Orphan', { metadata: { name: 'orphan' }, spec: { maxReplicas: 2, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gone' } } });
    new k8s.KubePodDisruptionBudget(chart, 'Pdb', { metadata: { name: 'gone' }, spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { app: 'gone' } } } });
    expect(findings(root)).toEqual([
      'error scale-target-exists prod/Apps/Orphan: HorizontalPodAutoscaler shop/orphan: scaleTargetRef Deployment shop/gone is not rendered',
      'error disruption-budget-target prod/Apps/Pdb: PodDisruptionBudget shop/gone: selector {"matchLabels":{"app":"gone"}} matches no pod template in namespace shop',
      'error disruption-budget prod/Apps/Web: Deployment shop/web: can run 4 pods but no PodDisruptionBudget selects them',
      'error node-spread prod/Apps/Web: Deployment shop/web: can run 4 pods but has no topology spread (or anti-affinity) over kubernetes.io/hostname for its own pods',
    ]);
  });

  test('reports selectors that miss their template, Services that select nothing or a missing named port', () => {
    const { root, chart } = tree();
    new k8s.KubeDeployment(chart, 'Web', { metadata: { name: 'web' }, spec: { selector: { matchLabels: { app: 'other' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container()] } } } });
    new k8s.KubeService(chart, 'Nothing', { metadata: { name: 'nothing' }, spec: { selector: { app: 'nobody' }, ports: [{ port: 80 }] } });
    new k8s.KubeService(chart, 'BadPort', { metadata: { name: 'bad-port' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: k8s.IntOrString.fromString('metrics') }] } });
    new k8s.KubeService(chart, 'Headless', { metadata: { name: 'external' }, spec: { ports: [{ port: 80 }] } });
    expect(findings(root)).toEqual([
      'error service-selects-pods prod/Apps/BadPort: Service shop/bad-port: targetPort "metrics" is not a named container port of the selected pods',
      'error service-selects-pods prod/Apps/Nothing: Service shop/nothing: selector {"app":"nobody"} matches no pod template in namespace shop',
      'error selector-matches-template prod/Apps/Web: Deployment shop/web: selector {"app":"other"} does not match its pod template\'s labels',
    ]);
  });

  test('reports literal Secret data, wildcard RBAC, bad names and bad labels', () => {
    const { root, chart } = tree();
    new k8s.KubeSecret(chart, 'Secret', { metadata: { name: 'api' }, stringData: { token: 'x', key: 'y' } });
    new k8s.KubeClusterRole(chart, 'Role', { metadata: { name: 'admin' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }, { apiGroups: [''], resources: ['*'], verbs: ['*'] }] });
    new k8s.KubeConfigMap(chart, 'Config', { metadata: { name: 'Bad_Name', labels: { 'team': 'a b', 'Bad Key': 'x' } } });
    expect(findings(root)).toEqual([
      'error label-syntax prod/Apps/Config: ConfigMap shop/Bad_Name: metadata.labels "Bad Key" must be a label key ([prefix/]name: a DNS subdomain prefix, a name of at most 63 letters, digits, \'-\', \'_\', \'.\'), got "Bad Key"',
      'error label-syntax prod/Apps/Config: ConfigMap shop/Bad_Name: metadata.labels "team" must be a label value (at most 63 characters: letters, digits, \'-\', \'_\', \'.\'; alphanumeric at both ends), got "a b"',
      'error object-name prod/Apps/Config: ConfigMap shop/Bad_Name: metadata.name must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters), got "Bad_Name"',
      'error rbac-wildcard prod/Apps/Role: ClusterRole shop/admin: rule 1 grants "*" in verbs and resources',
      'error secret-literal-data prod/Apps/Secret: Secret shop/api: renders literal values for key(s) key, token',
    ]);
  });

  test('every rule has a test case above', () => {
    const covered = new Set([...podCases.map(([rule]) => rule), 'disruption-budget', 'node-spread', 'scale-target-exists', 'disruption-budget-target',
      'selector-matches-template', 'service-selects-pods', 'secret-literal-data', 'rbac-wildcard', 'label-syntax', 'object-name']);
    expect(nonEmpty(POLICY_RULE_IDS, 'policy rule').filter((r) => !covered.has(r))).toEqual([]);
  });
});

describe('severity and waivers', () => {
  function leaky() {
    const { root, chart } = tree();
    deployment(chart, 'Shipper', 'log-shipper', { volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }] });
    new k8s.KubeSecret(chart, 'Config', { metadata: { name: 'alertmanager-config' }, stringData: { 'alertmanager.yml': 'route: {}' } });
    deployment(chart, 'Web', 'web', { containers: [container({ image: 'ghcr.io/acme/app:main' })] });
    return { root, chart };
  }

  test('the report groups findings by construct path, with the rule, the object and a one-line fix', () => {
    const { root } = leaky();
    expect(check(root).format()).toBe([
      '3 error(s), 0 warning(s), 0 waived',
      '  prod/Apps/Config',
      '    error secret-literal-data: Secret shop/alertmanager-config: renders literal values for key(s) alertmanager.yml',
      '      fix: reference the Secret (Secret.fromSecretName, secretKeyRef) instead of rendering its values',
      '  prod/Apps/Shipper',
      '    error host-access: Deployment shop/log-shipper: volume "logs" mounts the node\'s /var/log (hostPath)',
      '      fix: drop hostPath, host namespaces and host ports, or declare a namespace exception with Policy.exceptNamespace(...)',
      '  prod/Apps/Web',
      '    error image-pinned: Deployment shop/web: container "app" image "ghcr.io/acme/app:main" is not pinned to a semantic version or sha256 digest',
      '      fix: pin the image to a semantic version (v1.2.3), a major.minor release of a product numbered that way (postgres:16.4), or a sha256 digest',
    ].join('\n'));
  });

  test('downgraded rules become warnings, waivers show their reason, and nothing is left to fail', () => {
    const { root, chart } = leaky();
    Policy.suppress(chart.node.findChild('Config'), 'secret-literal-data', 'the Alertmanager routing tree carries no credentials');
    Policy.exceptNamespace(chart, 'shop', ['hostPath'], 'the log shipper reads container logs from /var/log on each node');
    const report = check(root, { warnings: ['image-pinned'] });
    expect(report.errors).toEqual([]);
    expect(report.format()).toBe([
      '0 error(s), 1 warning(s), 2 waived',
      '  prod/Apps/Config',
      '    waived secret-literal-data: Secret shop/alertmanager-config: renders literal values for key(s) alertmanager.yml',
      '      reason: suppressed: the Alertmanager routing tree carries no credentials',
      '  prod/Apps/Shipper',
      '    waived host-access: Deployment shop/log-shipper: volume "logs" mounts the node\'s /var/log (hostPath)',
      '      reason: namespace shop allows hostPath: the log shipper reads container logs from /var/log on each node',
      '  prod/Apps/Web',
      '    warning image-pinned: Deployment shop/web: container "app" image "ghcr.io/acme/app:main" is not pinned to a semantic version or sha256 digest',
      '      fix: pin the image to a semantic version (v1.2.3), a major.minor release of a product numbered that way (postgres:16.4), or a sha256 digest',
    ].join('\n'));
    expect(() => report.throwIfErrors('prod')).not.toThrow();
  });

  test('a suppression covers only its construct and children, and a namespace exception only its controls', () => {
    const { root, chart } = tree();
    const a = deployment(chart, 'A', 'a', { hostNetwork: true, containers: [container({ image: 'x:main' })] });
    deployment(chart, 'B', 'b', { containers: [container({ image: 'x:main' })] });
    Policy.suppress(a, 'image-pinned', 'a vendor image without releases');
    Policy.exceptNamespace(chart, 'shop', ['hostPath'], 'log shipper');
    expect(check(root).findings.map((f) => `${f.status} ${f.rule} ${f.path}`)).toEqual([
      'error host-access prod/Apps/A', 'waived image-pinned prod/Apps/A', 'error image-pinned prod/Apps/B',
    ]);
  });

  test('a policy error fails with one ValidationError holding the whole report', () => {
    const { root } = leaky();
    expect(() => check(root).throwIfErrors('prod')).toThrow(/^\[prod\] policy: 3 error\(s\), 0 warning\(s\), 0 waived\n {2}prod\/Apps\/Config\n/);
  });

  test('lists waivers that match nothing, so stale ones get deleted', () => {
    const { root, chart } = tree();
    const web = deployment(chart, 'Web', 'web');
    Policy.suppress(web, 'image-pinned', 'was a vendor image');
    Policy.exceptNamespace(chart, 'monitoring', ['hostPath'], 'log shipper');
    expect(check(root).unusedWaivers).toEqual([
      'exception for namespace monitoring declared by prod/Apps',
      'suppression of image-pinned at prod/Apps/Web',
    ]);
  });

  const apiErrors: Array<[string, (c: { root: Construct; chart: Chart; web: Construct }) => void, string]> = [
    ['a suppression without a reason', ({ web }) => Policy.suppress(web, 'image-pinned', '  '), '[prod/Apps/Web] policy.suppress.image-pinned: a written reason is required: it is printed in every policy report'],
    ['a suppression of an unknown rule', ({ web }) => Policy.suppress(web, 'no-latest' as PolicyRuleId, 'r'), '[prod/Apps/Web] policy.suppress.rule: must be one of'],
    ['a suppression on a whole chart', ({ chart }) => Policy.suppress(chart, 'image-pinned', 'r'), '[prod/Apps] policy.suppress: suppress at the construct that renders the object, not a chart or the tree root'],
    ['a suppression on the tree root', ({ root }) => Policy.suppress(root, 'image-pinned', 'r'), '[prod] policy.suppress: suppress at the construct that renders the object, not a chart or the tree root'],
    ['the same suppression twice', ({ web }) => { Policy.suppress(web, 'image-pinned', 'r'); Policy.suppress(web, 'image-pinned', 'r'); }, '[prod/Apps/Web] policy.suppress.image-pinned: is already suppressed here'],
    ['a namespace exception declared twice', ({ chart, web }) => { Policy.exceptNamespace(chart, 'monitoring', ['hostPath'], 'r'); Policy.exceptNamespace(web, 'monitoring', ['hostNamespaces'], 'r'); },
      '[prod/Apps/Web] policy.exceptNamespace.monitoring: already declared by prod/Apps: declare each namespace\'s exception once'],
    ['a namespace exception without controls', ({ chart }) => Policy.exceptNamespace(chart, 'monitoring', [], 'r'), '[prod/Apps] policy.exceptNamespace.monitoring: name the controls to allow, from appArmor, capabilities'],
    ['a namespace exception with an unknown control', ({ chart }) => Policy.exceptNamespace(chart, 'monitoring', ['root' as never], 'r'), '[prod/Apps] policy.exceptNamespace.monitoring.controls: must be one of "appArmor"'],
    ['a namespace exception without a reason', ({ chart }) => Policy.exceptNamespace(chart, 'monitoring', ['hostPath'], ''), '[prod/Apps] policy.exceptNamespace.monitoring: a written reason is required: it is printed in every policy report'],
  ];
  test.each(apiErrors)('rejects %s', (_what, act, message) => {
    const { root, chart } = tree();
    const web = deployment(chart, 'Web', 'web');
    expect(() => act({ root, chart, web })).toThrow(message);
  });
});
