/**
 * The bad-input corpus: mistakes a person can make in the environment configuration or in a stack, each
 * with the exact message synth must print. `test/bad-input-corpus.test.ts` runs each through the whole
 * synth pipeline and checks that nothing was written.
 */
import { ApiObject, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AlertCatalogue } from '../lib/alerting/alert-catalogue';
import { AppNamespace } from '../lib/core/app-namespace';
import { SyncWave, SyncWaves } from '../lib/delivery/sync-waves';
import { BlueGreenApp, BlueGreenAppProps } from '../lib/web/blue-green-app';
import { LaravelConfig } from '../lib/laravel/laravel-config';
import { NetworkConnections, NetworkPeer } from '../lib/safety/network-connections';
import { Policy } from '../lib/safety/policy';
import { CanaryApp } from '../lib/delivery/canary-app';
import { ProgressiveDeliveryStack } from '../stacks/progressive-delivery-stack';
import { DEFAULT_HEALTH_PROBES } from '../lib/core/http-probes';
import { TlsIngress } from '../lib/web/tls-ingress';
import { AutoscalerMetric, WorkloadAutoscaler } from '../lib/core/workload-autoscaler';
import { assertAt } from '../lib/core/errors';
import { checkCron } from '../lib/core/checks';
import { CanaryConfig, DeliveryConfig, ENVIRONMENTS, EnvironmentConfig, EnvironmentName, VerifiedSwitchConfig } from '../stacks/config';
import { VERIFIED_SWITCH } from '../stacks/config/shared';
import { WorkersStack } from '../stacks/workers-stack';
import { QueueWorker } from '../lib/workers/queue-worker';
import { SMALL_RESOURCES } from './helpers';

/** One bad input and the message synth must fail with. */
export interface BadInput {
  /** What is wrong, as the test name. */
  readonly what: string;
  /** Environment synthesized (an unknown name tests the lookup). */
  readonly env: string;
  /** The environment's configuration, altered. @default the shipped one */
  readonly config?: EnvironmentConfig;
  /** What the committed output was synthesized from (the deployed state synth compares with). @default nothing deployed */
  readonly deployed?: EnvironmentConfig;
  /** Constructs a stack adds to the environment's tree. @default none */
  readonly add?: (root: Construct, config: EnvironmentConfig) => void;
  /** The exact message. */
  readonly message: string;
}

function env(name: EnvironmentName, change: (c: EnvironmentConfig) => Partial<EnvironmentConfig>): EnvironmentConfig {
  return { ...ENVIRONMENTS[name], ...change(ENVIRONMENTS[name]) };
}

function web(name: EnvironmentName, change: Partial<EnvironmentConfig['web']>): EnvironmentConfig {
  return env(name, (c) => ({ web: { ...c.web, ...change } }));
}

function delivery(name: EnvironmentName, change: Partial<DeliveryConfig>): EnvironmentConfig {
  return env(name, (c) => ({ delivery: { ...c.delivery, ...change } }));
}

function verifiedSwitch(name: EnvironmentName, change: Partial<VerifiedSwitchConfig>): EnvironmentConfig {
  return delivery(name, { verifiedSwitch: { ...VERIFIED_SWITCH, ...change } });
}

/** A CanaryApp without analysis or metrics, as a consumer outside the platform could declare it. */
const storefrontCanary = {
  name: 'storefront', partOf: 'ecommerce', imageRepository: 'ghcr.io/acme/storefront', imageTag: 'v1.0.0', replicas: 2, resources: SMALL_RESOURCES,
  probes: DEFAULT_HEALTH_PROBES, ingress: { host: 'storefront.example.com', certificateName: 'storefront-tls', issuerName: 'letsencrypt' },
};

/** A canary as staging declares it, with changes. */
function canary(name: EnvironmentName, change: Partial<CanaryConfig>, argoRollouts = true): EnvironmentConfig {
  return delivery(name, {
    argoRollouts,
    canary: {
      appName: 'storefront', imageTag: 'v1.0.0', host: 'storefront.example.com', weightsPercent: [10, 50, 100], pause: Duration.minutes(1), analysisInterval: Duration.minutes(1),
      analysisCount: 5, analysisFailureLimit: 1, errorRatioMax: 0.001, latencyP95Max: Duration.millis(200), replicas: 2, ...change,
    },
  });
}

/** A chart in the app namespace, as a later stack would add. */
function extra(root: Construct): Chart {
  return new Chart(root, 'Extra', { namespace: 'ecommerce', disableResourceNameHashes: true });
}

function app(root: Construct, props: Partial<BlueGreenAppProps> = {}): BlueGreenApp {
  return new BlueGreenApp(extra(root), 'Shop', {
    name: 'shop', imageRepository: 'ghcr.io/acme/shop', blueImageTag: 'v1.0.0', greenImageTag: 'v1.0.0', liveColour: 'blue',
    resources: SMALL_RESOURCES, replicas: 1, idleReplicas: 1, ...props,
  });
}

/** What a future CronJob construct does with its schedule: the shared check, at its path. */
class NightlyJob extends Construct {
  constructor(scope: Construct, id: string, props: { schedule: string }) {
    super(scope, id);
    assertAt(this, 'schedule', checkCron(props.schedule));
  }
}

const QUOTA = { requestsCpu: kplus.Cpu.units(1), limitsCpu: kplus.Cpu.units(2), requestsMemory: Size.gibibytes(1), limitsMemory: Size.gibibytes(2), pods: 10 };
const k8s = kplus.k8s;
const q = (v: string) => k8s.Quantity.fromString(v);

function rawDeployment(scope: Construct, name: string, container: Partial<kplus.k8s.Container>, pod: Partial<kplus.k8s.PodSpec> = {}): void {
  new k8s.KubeDeployment(scope, name, {
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name, image: 'ghcr.io/acme/tool:v1.0.0',
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            resources: { requests: { cpu: q('10m'), memory: q('16Mi') }, limits: { cpu: q('20m'), memory: q('32Mi') } },
            readinessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(80) } },
            livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromNumber(80) } },
            ...container,
          }],
          ...pod,
        },
      },
    },
  });
}

const PINNED = 'must be pinned to a semantic version (v1.2.3) or a sha256 digest';

export const BAD_INPUTS: BadInput[] = [
  // Environment configuration: names and lookups.
  { what: 'an unknown environment', env: 'qa', message: '[environments] name: unknown environment "qa"; expected one of "dev", "staging", "prod"' },
  { what: 'a name that differs from its key', env: 'staging', config: ENVIRONMENTS.dev, message: '[environment staging] name: must equal its key "staging", got "dev"' },
  { what: 'an upper-case namespace', env: 'prod', config: env('prod', () => ({ namespace: 'E-commerce' })), message: '[environment prod] namespace: must be a DNS-1123 label (lower-case letters, digits and \'-\', at most 63 characters), got "E-commerce"' },
  { what: 'an app name with an underscore', env: 'dev', config: web('dev', { appName: 'laravel_app' }), message: '[environment dev] web.appName: must be a DNS-1123 label (lower-case letters, digits and \'-\', at most 63 characters), got "laravel_app"' },
  { what: 'an app name longer than 63 characters', env: 'dev', config: web('dev', { appName: 'a'.repeat(64) }), message: `[environment dev] web.appName: must be a DNS-1123 label (lower-case letters, digits and '-', at most 63 characters), got "${'a'.repeat(64)}"` },
  { what: 'a missing TLS issuer', env: 'staging', config: env('staging', () => ({ tlsIssuer: { name: '', kind: 'ClusterIssuer' } })), message: '[environment staging] tlsIssuer.name: must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', at most 253 characters), got ""' },
  { what: 'a missing host', env: 'prod', config: web('prod', { host: '' }), message: '[environment prod] web.host: required: a DNS host name such as "shop.example.com", got ""' },
  { what: 'an upper-case host', env: 'staging', config: web('staging', { host: 'Shop.Example.com' }), message: '[environment staging] web.host: must be a lower-case DNS host name such as "shop.example.com", got "Shop.Example.com"' },
  // Colours, images, levels.
  { what: 'a colour other than blue or green', env: 'prod', config: web('prod', { liveColour: 'purple' as never }), message: '[environment prod] web.liveColour: must be one of "blue", "green", got "purple"' },
  { what: 'the latest tag in prod', env: 'prod', config: web('prod', { greenImageTag: 'latest' }), message: `[environment prod] web.greenImageTag: ${PINNED}, got "latest"` },
  { what: 'a branch tag in staging', env: 'staging', config: web('staging', { blueImageTag: 'main' }), message: `[environment staging] web.blueImageTag: ${PINNED}, got "main"` },
  { what: 'a missing image tag', env: 'prod', config: web('prod', { blueImageTag: undefined as never }), message: '[environment prod] web.blueImageTag: required: an image tag or sha256 digest, got nothing' },
  { what: 'an image tag with a space', env: 'dev', config: web('dev', { greenImageTag: 'v1 .2' }), message: '[environment dev] web.greenImageTag: must be an image tag or sha256 digest, got "v1 .2"' },
  { what: 'an unknown log level', env: 'dev', config: web('dev', { logLevel: 'verbose' as never }), message: '[environment dev] web.logLevel: must be one of "debug", "info", "warning", "error", got "verbose"' },
  { what: 'debug mode where images are pinned', env: 'prod', config: web('prod', { appDebug: true }), message: '[environment prod] web.appDebug: must be false where images are pinned: debug pages leak stack traces and configuration' },
  // Replica bounds.
  { what: 'minReplicas above maxReplicas', env: 'prod', config: web('prod', { autoscaling: { minReplicas: 12, maxReplicas: 10 } }), message: '[environment prod] web.autoscaling.minReplicas: must not exceed maxReplicas (10), got 12' },
  { what: 'maxReplicas of zero', env: 'staging', config: web('staging', { autoscaling: { minReplicas: 0, maxReplicas: 0 } }), message: '[environment staging] web.autoscaling.minReplicas: must be an integer of at least 1, got 0' },
  { what: 'negative replicas', env: 'dev', config: web('dev', { replicas: -1 }), message: '[environment dev] web.replicas: must be an integer of at least 1, got -1' },
  { what: 'fractional replicas', env: 'dev', config: web('dev', { replicas: 1.5 }), message: '[environment dev] web.replicas: must be an integer of at least 1, got 1.5' },
  { what: 'an idle colour of zero pods', env: 'staging', config: web('staging', { idleReplicas: 0 }), message: '[environment staging] web.idleReplicas: must be an integer of at least 1, got 0' },
  // Conflicting or missing options, caught by the construct.
  { what: 'both a fixed size and autoscaling', env: 'dev', config: web('dev', { autoscaling: { minReplicas: 1, maxReplicas: 2 } }), message: '[dev/Web/Laravel] replicas: conflicts with autoscaling: give a fixed size or autoscaling bounds, not both' },
  { what: 'neither a fixed size nor autoscaling', env: 'dev', config: web('dev', { replicas: undefined }), message: '[dev/Web/Laravel] replicas: required when autoscaling is not set' },
  // Quantities.
  { what: 'a CPU limit below its request', env: 'prod', config: web('prod', { resources: { ...ENVIRONMENTS.prod.web.resources, cpuLimit: kplus.Cpu.millis(100) } }), message: '[environment prod] web.resources.cpuLimit: must be at least cpuRequest (250m), got 100m' },
  { what: 'a memory limit below its request', env: 'staging', config: web('staging', { resources: { ...ENVIRONMENTS.staging.web.resources, memoryLimit: Size.mebibytes(64) } }), message: '[environment staging] web.resources.memoryLimit: must be at least memoryRequest (192Mi), got 64Mi' },
  { what: 'a CPU request that is not a quantity', env: 'dev', config: web('dev', { resources: { ...ENVIRONMENTS.dev.web.resources, cpuRequest: kplus.Cpu.millis(-5) } }), message: '[environment dev] web.resources.cpuRequest: must be a positive CPU quantity such as "250m", got "-5m"' },
  // Monitoring, policy and network sections.
  { what: 'an unknown monitoring mode', env: 'prod', config: env('prod', (c) => ({ monitoring: { ...c.monitoring, mode: 'hosted' as never } })), message: '[environment prod] monitoring.mode: must be one of "standalone", "operator", got "hosted"' },
  { what: 'a runbook URL over plain HTTP', env: 'prod', config: env('prod', (c) => ({ monitoring: { ...c.monitoring, runbookBaseUrl: 'http://runbooks' } })), message: '[environment prod] monitoring.runbookBaseUrl: must be an https URL without a trailing slash, got "http://runbooks"' },
  { what: 'downgraded policy rules in prod', env: 'prod', config: env('prod', () => ({ policy: { warnings: ['image-pinned'] } })), message: '[environment prod] policy.warnings: must be empty where images are pinned: every policy finding fails synth there, got ["image-pinned"]' },
  { what: 'an unknown policy rule', env: 'dev', config: env('dev', () => ({ policy: { warnings: ['no-latest' as never] } })), message: '[environment dev] policy.warnings[0]: must be one of "container-probes", "container-resources", "disruption-budget", "disruption-budget-target", "host-access", "image-pinned", "image-tag", "label-syntax", "node-spread", "object-name", "pod-security-restricted", "rbac-wildcard", "scale-target-exists", "secret-literal-data", "selector-matches-template", "service-selects-pods", got "no-latest"' },
  { what: 'an ingress controller without namespace labels', env: 'prod', config: env('prod', (c) => ({ network: { ...c.network, ingressController: { namespaceLabels: {}, podLabels: {} } } })), message: '[environment prod] network.ingressController.namespaceLabels: required: at least one label of the namespace' },
  { what: 'an invalid Prometheus pod label', env: 'prod', config: env('prod', (c) => ({ network: { ...c.network, prometheus: { ...c.network.prometheus, podLabels: { app: 'prom etheus' } } } })), message: '[environment prod] network.prometheus.podLabels.app: must be a label value (at most 63 characters: letters, digits, \'-\', \'_\', \'.\'; alphanumeric at both ends), got "prom etheus"' },
  { what: 'an invalid external CIDR', env: 'staging', config: env('staging', (c) => ({ network: { ...c.network, externalHttps: { cidr: '0.0.0.0/40', except: [] } } })), message: '[environment staging] network.externalHttps.cidr: must be an IPv4 CIDR block such as "10.0.0.0/8", got "0.0.0.0/40"' },
  { what: 'an external exception with host bits', env: 'prod', config: env('prod', (c) => ({ network: { ...c.network, externalHttps: { cidr: '0.0.0.0/0', except: ['10.1.2.3/8'] } } })), message: '[environment prod] network.externalHttps.except[0]: must start at the network address of the block (host bits zero), got "10.1.2.3/8"' },
  // Constructs a stack adds.
  { what: 'a container port above 65535', env: 'prod', add: (root) => app(root, { containerPort: 70000 }), message: '[prod/Extra/Shop] containerPort: must be an integer from 1 to 65535, got 70000' },
  { what: 'a container port of zero', env: 'prod', add: (root) => app(root, { containerPort: 0 }), message: '[prod/Extra/Shop] containerPort: must be an integer from 1 to 65535, got 0' },
  { what: 'an upper-case app name', env: 'prod', add: (root) => app(root, { name: 'Shop' }), message: '[prod/Extra/Shop] name: must be a DNS-1123 label (lower-case letters, digits and \'-\', at most 63 characters), got "Shop"' },
  { what: 'a duplicate app name', env: 'prod', add: (root) => app(root, { name: 'laravel' }), message: '[prod/Extra/Shop/ServiceAccount] metadata.name: duplicate ServiceAccount "ecommerce/laravel", already rendered by prod/Web/Laravel/ServiceAccount' },
  { what: 'a grace period shorter than the pre-stop sleep', env: 'staging', add: (root) => app(root, { preStopSleep: Duration.seconds(30), terminationGracePeriod: Duration.seconds(20) }), message: '[staging/Extra/Shop] terminationGracePeriod: must be longer than preStopSleep (30s), got 20s' },
  { what: 'a CPU target above 100 %', env: 'prod', add: (root) => app(root, { replicas: undefined, autoscaling: { minReplicas: 2, maxReplicas: 4, cpuUtilizationPercent: 150 } }), message: '[prod/Extra/Shop] autoscaling.cpuUtilizationPercent: must be an integer from 1 to 100, got 150' },
  { what: 'running as root', env: 'prod', add: (root) => app(root, { runAsUser: 0 }), message: '[prod/Extra/Shop] runAsUser: must be an integer of at least 1, got 0' },
  { what: 'a variable set both plainly and from a Secret', env: 'dev', add: (root) => {
    const secret = kplus.Secret.fromSecretName(root, 'S', 'shop-secrets');
    app(root, { env: { API_KEY: 'x' }, secretEnv: { API_KEY: { secret, key: 'api-key' } } });
  }, message: '[dev/Extra/Shop] secretEnv.API_KEY: is also set in env: give each variable one source' },
  { what: 'a namespace quota of zero pods', env: 'prod', add: (root) => new AppNamespace(extra(root), 'Ns', { name: 'batch', partOf: 'ecommerce', quota: { ...QUOTA, pods: 0 }, containerDefaults: SMALL_RESOURCES }), message: '[prod/Extra/Ns] quota.pods: must be an integer of at least 1, got 0' },
  { what: 'an unknown Pod Security level', env: 'prod', add: (root) => new AppNamespace(extra(root), 'Ns', { name: 'batch', partOf: 'ecommerce', podSecurity: 'strict' as never, quota: QUOTA, containerDefaults: SMALL_RESOURCES }), message: '[prod/Extra/Ns] podSecurity: must be one of "privileged", "baseline", "restricted", got "strict"' },
  { what: 'an ingress host with a scheme', env: 'prod', add: (root) => {
    const shop = app(root);
    new TlsIngress(shop.node.scope as Construct, 'Ingress', { name: 'shop', partOf: 'ecommerce', host: 'https://shop.example.com', service: shop.liveService, certificateName: 'shop-tls', issuerName: 'letsencrypt-prod' });
  }, message: '[prod/Extra/Ingress] host: must be a lower-case DNS host name such as "shop.example.com", got "https://shop.example.com"' },
  { what: 'a credential in a ConfigMap', env: 'prod', add: (root) => new LaravelConfig(extra(root), 'Config', { appName: 'shop', partOf: 'ecommerce', settings: { DB_PASSWORD: 'hunter2' } }), message: '[prod/Extra/Config] settings.DB_PASSWORD: looks like a credential: reference it from a Secret instead of a ConfigMap' },
  // Cron schedules (the shared check future CronJob constructs use).
  { what: 'a cron schedule with four fields', env: 'prod', add: (root) => new NightlyJob(extra(root), 'Backup', { schedule: '0 2 * *' }), message: '[prod/Extra/Backup] schedule: must have five fields (minute hour day-of-month month day-of-week), got 4 in "0 2 * *"' },
  { what: 'a cron minute of 61', env: 'prod', add: (root) => new NightlyJob(extra(root), 'Backup', { schedule: '61 2 * * *' }), message: '[prod/Extra/Backup] schedule: minute field must be numbers from 0 to 59, \'*\', ranges a-b, steps /n (n >= 1) or lists, got "61" in "61 2 * * *"' },
  { what: 'a cron step of zero', env: 'prod', add: (root) => new NightlyJob(extra(root), 'Backup', { schedule: '*/0 * * * *' }), message: '[prod/Extra/Backup] schedule: minute field must be numbers from 0 to 59, \'*\', ranges a-b, steps /n (n >= 1) or lists, got "*/0" in "*/0 * * * *"' },
  { what: 'a cron range running backwards', env: 'prod', add: (root) => new NightlyJob(extra(root), 'Backup', { schedule: '0 22-2 * * *' }), message: '[prod/Extra/Backup] schedule: hour field must be numbers from 0 to 23, \'*\', ranges a-b, steps /n (n >= 1) or lists, got "22-2" in "0 22-2 * * *"' },
  { what: 'a cron macro', env: 'prod', add: (root) => new NightlyJob(extra(root), 'Backup', { schedule: '@daily' }), message: '[prod/Extra/Backup] schedule: must have five fields (minute hour day-of-month month day-of-week), got 1 in "@daily"' },
  { what: 'a cron month name', env: 'prod', add: (root) => new NightlyJob(extra(root), 'Backup', { schedule: '0 2 1 JAN *' }), message: '[prod/Extra/Backup] schedule: month field must be numbers from 1 to 12, \'*\', ranges a-b, steps /n (n >= 1) or lists, got "JAN" in "0 2 1 JAN *"' },
  { what: 'an empty cron schedule', env: 'prod', add: (root) => new NightlyJob(extra(root), 'Backup', { schedule: ' ' }), message: '[prod/Extra/Backup] schedule: required: a five-field cron schedule such as "30 2 * * *", got " "' },
  // Policy findings on objects any construct renders.
  { what: 'a Secret rendered with values', env: 'prod', add: (root) => new k8s.KubeSecret(extra(root), 'Token', { metadata: { name: 'api-token' }, stringData: { token: 'abc' } }), message: '[prod] policy: 1 error(s), 0 warning(s), 0 waived\n  prod/Extra/Token\n    error secret-literal-data: Secret ecommerce/api-token: renders literal values for key(s) token\n      fix: reference the Secret (Secret.fromSecretName, secretKeyRef) instead of rendering its values' },
  { what: 'a container without resources or probes', env: 'staging', add: (root) => rawDeployment(extra(root), 'tool', { resources: undefined, readinessProbe: undefined, livenessProbe: undefined }), message: '[staging] policy: 2 error(s), 0 warning(s), 1 waived\n  staging/Alerting/Alertmanager/Secret\n    waived secret-literal-data: Secret monitoring/alertmanager-config: renders literal values for key(s) alertmanager.yaml\n      reason: suppressed: the Alertmanager configuration carries no credentials (receivers read them from *_file mounts of the external alertmanager-receivers Secret); it is a Secret only because the Prometheus Operator reads configSecret as one\n  staging/Extra/tool\n    error container-probes: Deployment ecommerce/tool: container "tool" has no readinessProbe or livenessProbe\n      fix: add readiness and liveness probes (renderHttpProbe) to every long-running container\n    error container-resources: Deployment ecommerce/tool: container "tool" has no requests.cpu, requests.memory, limits.cpu, limits.memory\n      fix: set requests and limits for cpu and memory from the environment config (toContainerResources)' },
  { what: 'a hostPath volume outside any exception', env: 'prod', add: (root) => rawDeployment(extra(root), 'shipper', {}, { volumes: [{ name: 'logs', hostPath: { path: '/var/log' } }] }), message: '[prod] policy: 1 error(s), 0 warning(s), 0 waived\n  prod/Extra/shipper\n    error host-access: Deployment ecommerce/shipper: volume "logs" mounts the node\'s /var/log (hostPath)\n      fix: drop hostPath, host namespaces and host ports, or declare a namespace exception with Policy.exceptNamespace(...)' },
  { what: 'a role granting every verb', env: 'prod', add: (root) => new k8s.KubeRole(extra(root), 'Role', { metadata: { name: 'deployer' }, rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['*'] }] }), message: '[prod] policy: 1 error(s), 0 warning(s), 0 waived\n  prod/Extra/Role\n    error rbac-wildcard: Role ecommerce/deployer: rule 0 grants "*" in verbs\n      fix: list the verbs and resources the role needs instead of "*"' },
  { what: 'an image without a tag, even in dev', env: 'dev', add: (root) => rawDeployment(extra(root), 'tool', { image: 'busybox' }), message: '[dev] policy: 1 error(s), 6 warning(s), 0 waived\n  dev/Deploy/Hooks/CacheWarm\n    warning image-pinned: Job ecommerce/laravel-cache-warm: container "cache-warm" image "ghcr.io/ibekzod/laravel-ecommerce:main" is not pinned to a semantic version or sha256 digest\n      fix: pin the image to a semantic version (v1.2.3), a major.minor release of a product numbered that way (postgres:16.4), or a sha256 digest\n  dev/Deploy/Hooks/Migrate\n    warning image-pinned: Job ecommerce/laravel-migrate: container "migrate" image "ghcr.io/ibekzod/laravel-ecommerce:main" is not pinned to a semantic version or sha256 digest\n      fix: pin the image to a semantic version (v1.2.3), a major.minor release of a product numbered that way (postgres:16.4), or a sha256 digest\n  dev/Extra/tool\n    error image-tag: Deployment ecommerce/tool: container "tool" image "busybox" has no tag or digest\n      fix: reference the image by a version tag or sha256 digest, never latest or nothing\n  dev/Web/Laravel/Blue\n    warning image-pinned: Deployment ecommerce/laravel-blue: container "laravel" image "ghcr.io/ibekzod/laravel-ecommerce:main" is not pinned to a semantic version or sha256 digest\n      fix: pin the image to a semantic version (v1.2.3), a major.minor release of a product numbered that way (postgres:16.4), or a sha256 digest\n  dev/Web/Laravel/Green\n    warning image-pinned: Deployment ecommerce/laravel-green: container "laravel" image "ghcr.io/ibekzod/laravel-ecommerce:main" is not pinned to a semantic version or sha256 digest\n      fix: pin the image to a semantic version (v1.2.3), a major.minor release of a product numbered that way (postgres:16.4), or a sha256 digest\n  dev/Workers/Scheduler/Deployment\n    warning image-pinned: Deployment ecommerce/laravel-scheduler: container "scheduler" image "ghcr.io/ibekzod/laravel-ecommerce-worker:main" is not pinned to a semantic version or sha256 digest\n      fix: pin the image to a semantic version (v1.2.3), a major.minor release of a product numbered that way (postgres:16.4), or a sha256 digest\n  dev/Workers/Worker/Deployment\n    warning image-pinned: Deployment ecommerce/laravel-worker: container "worker" image "ghcr.io/ibekzod/laravel-ecommerce-worker:main" is not pinned to a semantic version or sha256 digest\n      fix: pin the image to a semantic version (v1.2.3), a major.minor release of a product numbered that way (postgres:16.4), or a sha256 digest' },
  { what: 'a suppression without a reason', env: 'prod', add: (root) => Policy.suppress(app(root), 'image-pinned', ''), message: '[prod/Extra/Shop] policy.suppress.image-pinned: a written reason is required: it is printed in every policy report' },
  // Network declarations.
  { what: 'a connection on port 0', env: 'prod', add: (root) => NetworkConnections.of(root).allow(extra(root), { from: NetworkPeer.pods('ecommerce', { app: 'worker' }), to: NetworkPeer.pods('ecommerce', { app: 'mysql' }), port: 0, reason: 'jobs' }), message: '[prod/Extra] network.allow.port: must be a port number from 1 to 65535, got 0' },
  { what: 'a connection between namespaces nobody renders', env: 'prod', add: (root) => NetworkConnections.of(root).allow(extra(root), { from: NetworkPeer.pods('batch', { app: 'a' }), to: NetworkPeer.pods('batch', { app: 'b' }), port: 80, reason: 'r' }), message: '[prod/Network/Policies] connections[prod/Extra]: neither pods app=a in batch nor pods app=b in batch runs in a namespace rendered here (ecommerce, monitoring)' },
  // Release order: what live traffic and the database go through while Argo CD applies a release.
  { what: 'a release changing the serving colour\'s tag without a hotfix', env: 'prod', deployed: ENVIRONMENTS.prod, config: web('prod', { blueImageTag: 'v1.2.4' }),
    message: '[prod/Web/Laravel] blueImageTag: blue serves live traffic (committed output) with v1.2.3; a release must not change it in place, got v1.2.4: release to the idle colour green and switch, or for an emergency declare a hotfix for v1.2.4 (README "Switching the live colour")' },
  { what: 'a wave that starts the workers before the migration', env: 'prod', add: (root) => {
    const workers = root.node.findChild('Workers') as WorkersStack;
    SyncWaves.setWave(ApiObject.of(workers.worker.deployment), SyncWave.WORKLOADS);
  }, message: '[prod/Workers/Worker/Deployment/Resource] sync-wave: 0 starts Deployment laravel-worker before the migration (Job laravel-migrate, wave 1) has run; it runs the release\'s code against the database, so it must come after the migration' },
  { what: 'a switch to an idle colour below the live minimum', env: 'staging', deployed: web('staging', { idleReplicas: 1 }), config: web('staging', { liveColour: 'blue', idleReplicas: 1 }),
    message: '[staging/Web/Laravel] liveColour: cannot switch from green to blue: blue is deployed with 1 pod(s), below the live minimum of 2; first raise idleReplicas to at least 2 and deploy that, then switch' },
  // Output layout.
  { what: 'a second chart rendering web.k8s.yaml', env: 'prod', add: (root) => new Chart(new Construct(root, 'Nested'), 'Web'), message: '[prod] charts: two charts render web.k8s.yaml: give them distinct ids' },
  { what: 'two ConfigMaps of the same name', env: 'prod', add: (root) => new kplus.ConfigMap(extra(root), 'Copy', { metadata: { name: 'laravel-config' } }), message: '[prod/Extra/Copy] metadata.name: duplicate ConfigMap "ecommerce/laravel-config", already rendered by prod/Web/Config/AppConfig' },
  // Scaling signals.
  { what: 'an HPA metric nothing in the app serves', env: 'prod', add: (root) => {
    const shop = app(root);
    new WorkloadAutoscaler(shop.node.scope as Construct, 'Hpa', { name: 'shop-rps', target: shop.blue.deployment, minReplicas: 1, maxReplicas: 3,
      metrics: [AutoscalerMetric.pods({ name: 'http_requests_per_second', averageValue: 1000 })] });
  }, message: '[prod/Extra/Hpa] metrics[0].name: nothing in this app serves the Pods metric "http_requests_per_second" (no metrics adapter declares it in MetricSources), so the HPA could never read it; scale on cpu or memory, or on a source KEDA reads' },
  { what: 'a queue-length trigger on a queue the worker does not consume', env: 'prod',
    config: env('prod', (c) => ({ workers: { ...c.workers, autoscaling: { metric: 'queueLength', minReplicas: 1, maxReplicas: 5, queues: ['emails'] } } })),
    message: '[prod/Workers/Worker] autoscaling.queues[0]: must be one of the drained queues ["high","default","low"], got "emails"' },
  { what: 'a job timeout given as a number of seconds', env: 'prod',
    config: env('prod', (c) => ({ workers: { ...c.workers, jobTimeout: 300 as never } })),
    message: '[environment prod] workers.jobTimeout: must be a Duration such as Duration.minutes(5), got 300' },
  { what: 'a backup retention in hours', env: 'prod',
    config: env('prod', (c) => ({ backup: { ...c.backup, retention: Duration.hours(12) } })),
    message: '[environment prod] backup.retention: must be a whole number of days, at least one, got Duration 12 hours' },
  { what: 'a worker grace period shorter than its job timeout', env: 'staging', add: (root) => {
    new QueueWorker(extra(root), 'Mailer', {
      name: 'mailer', appName: 'mailer', partOf: 'ecommerce', imageRepository: 'ghcr.io/acme/mailer', imageTag: 'v1.0.0', resources: SMALL_RESOURCES,
      command: ['node', 'worker.js'], queues: ['mail'], replicas: 1, jobTimeout: Duration.minutes(2), terminationGracePeriod: Duration.seconds(60),
    });
  }, message: '[staging/Extra/Mailer] terminationGracePeriod: must be at least jobTimeout (120s) so the current job can finish after SIGTERM, got 60s' },
  { what: 'a read host in an environment without replicas', env: 'dev',
    config: env('dev', (c) => ({ mysql: { ...c.mysql, readHosts: ['mysql-replica-1'] } })),
    message: '[environment dev] mysql.readHosts[0]: the environment has no MySQL replicas (mysql.replicas is 0), so reads go to the primary; remove the read host, got "mysql-replica-1"' },
  { what: 'an ingress allowlist entry that is not a CIDR block', env: 'staging',
    config: web('staging', { access: { ...ENVIRONMENTS.staging.web.access, allowSourceRanges: ['vpn.example.com'] } }),
    message: '[environment staging] web.access.allowSourceRanges[0]: must be an IPv4 CIDR block such as "10.0.0.0/8", got "vpn.example.com"' },
  { what: 'a non-production Ingress open to the internet without a waiver', env: 'dev',
    config: web('dev', { access: { allowSourceRanges: [] } }),
    message: '[environment dev] web.access.allowSourceRanges: required outside production: list the VPN\'s address blocks, or state why the environment is public in web.access.publicWaiver' },
  // Alerts over series nothing produces can never fire.
  {
    what: 'an alert over a metric no scrape target produces', env: 'prod',
    add: (root) => AlertCatalogue.of(root).addRule(extra(root), { name: 'extra' }, {
      alert: 'StuckExports', expr: 'export_jobs_stuck > 0', severity: 'warning', priority: 'P2', team: 'platform',
      summary: 'Exports stuck', description: 'Exports are stuck', runbook: 'exports',
    }),
    message: '[prod/Alerting/Rules] alert StuckExports: metric export_jobs_stuck is produced by no scrape target in prod',
  },
  {
    what: 'a recording rule over a metric no scrape target produces', env: 'staging',
    add: (root) => AlertCatalogue.of(root).addRecordingRule(extra(root), { name: 'extra' }, { record: 'job:exports:rate5m', expr: 'sum(rate(exports_total[5m]))' }),
    message: '[staging/Alerting/Rules] record job:exports:rate5m: metric exports_total is produced by no scrape target in staging',
  },
  // Progressive delivery.
  { what: 'a bake time of zero', env: 'prod', config: verifiedSwitch('prod', { bakeTime: Duration.seconds(0) }), message: '[environment prod] delivery.verifiedSwitch.bakeTime: must be at least one whole second, got 0s' },
  { what: 'an error-ratio threshold above 1', env: 'prod', config: verifiedSwitch('prod', { errorRatioMax: 1.5 }), message: '[environment prod] delivery.verifiedSwitch.errorRatioMax: must be a fraction in (0, 1], got 1.5' },
  { what: 'an error-ratio threshold of zero', env: 'staging', config: verifiedSwitch('staging', { errorRatioMax: 0 }), message: '[environment staging] delivery.verifiedSwitch.errorRatioMax: must be a fraction in (0, 1], got 0' },
  { what: 'a check interval longer than the bake time', env: 'prod', config: verifiedSwitch('prod', { checkInterval: Duration.minutes(20) }), message: '[environment prod] delivery.verifiedSwitch.checkInterval: must be whole seconds between 1 and the bake time, got 1200s' },
  { what: 'canary steps that stop at 50 %', env: 'staging', config: canary('staging', { weightsPercent: [10, 50] }), message: '[environment staging] delivery.canary.weightsPercent: must end at 100 (all traffic on the new release), got [10,50]' },
  { what: 'a canary weight of 0', env: 'staging', config: canary('staging', { weightsPercent: [0, 50, 100] }), message: '[environment staging] delivery.canary.weightsPercent: each weight must be a whole percentage from 1 to 100, got 0 at position 0 of [0,50,100]' },
  { what: 'a canary weight above 100', env: 'staging', config: canary('staging', { weightsPercent: [10, 150] }), message: '[environment staging] delivery.canary.weightsPercent: each weight must be a whole percentage from 1 to 100, got 150 at position 1 of [10,150]' },
  { what: 'canary weights that do not increase', env: 'staging', config: canary('staging', { weightsPercent: [50, 10, 100] }), message: '[environment staging] delivery.canary.weightsPercent: weights must increase, got 10 after 50 in [50,10,100]' },
  { what: 'a canary threshold above 1', env: 'staging', config: canary('staging', { errorRatioMax: 2 }), message: '[environment staging] delivery.canary.errorRatioMax: must be a fraction in (0, 1], got 2' },
  { what: 'a canary failure limit as large as the count', env: 'staging', config: canary('staging', { analysisCount: 3, analysisFailureLimit: 3 }), message: '[environment staging] delivery.canary.analysisFailureLimit: must be an integer from 0 to 2, got 3' },
  { what: 'a canary analysis of an app without metrics', env: 'staging', add: (root) => {
    const health = (root.node.findChild('Delivery') as ProgressiveDeliveryStack).canaryHealth!;
    const c = extra(root);
    new CanaryApp(c, 'Storefront', {
      ...storefrontCanary, analysis: { health, prometheusUrl: 'http://prometheus:9090' },
    });
  }, message: '[staging/Extra/Storefront] analysis: storefront exposes no metrics (metricsPath is not set): an analysis would have nothing to measure' },
  { what: 'a canary threshold of 0', env: 'staging', config: canary('staging', { errorRatioMax: 0 }), message: '[environment staging] delivery.canary.errorRatioMax: must be a fraction in (0, 1], got 0' },
  { what: 'a CanaryApp whose steps stop at 50 %', env: 'staging', add: (root) => {
    new CanaryApp(extra(root), 'Storefront', { ...storefrontCanary, weightsPercent: [10, 50] });
  }, message: '[staging/Extra/Storefront] weightsPercent: must end at 100 (all traffic on the new release), got [10,50]' },
  { what: 'a CanaryApp weight above 100', env: 'staging', add: (root) => {
    new CanaryApp(extra(root), 'Storefront', { ...storefrontCanary, weightsPercent: [50, 150] });
  }, message: '[staging/Extra/Storefront] weightsPercent: each weight must be a whole percentage from 1 to 100, got 150 at position 1 of [50,150]' },
  { what: 'CanaryApp weights that do not increase', env: 'staging', add: (root) => {
    new CanaryApp(extra(root), 'Storefront', { ...storefrontCanary, weightsPercent: [50, 50, 100] });
  }, message: '[staging/Extra/Storefront] weightsPercent: weights must increase, got 50 after 50 in [50,50,100]' },
  { what: 'a CanaryApp error ratio threshold above 1', env: 'staging', add: (root) => {
    const health = (root.node.findChild('Delivery') as ProgressiveDeliveryStack).canaryHealth!;
    const c = extra(root);
    new CanaryApp(c, 'Storefront', { ...storefrontCanary, metricsPath: '/metrics', analysis: { health, prometheusUrl: 'http://prometheus:9090', errorRatioMax: 1.5 } });
  }, message: '[staging/Extra/Storefront] analysis.errorRatioMax: must be a fraction in (0, 1], got 1.5' },
  { what: 'a canary where Argo Rollouts is not declared', env: 'prod', config: canary('prod', {}, false), message: '[environment prod] delivery.canary: needs Argo Rollouts in the cluster: declare it with delivery.argoRollouts: true (and install the controller) or remove the canary' },
];
