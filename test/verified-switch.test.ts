import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import { PlatformSlos } from '../lib/laravel/platform-slos';
import { ReleaseHealth } from '../lib/delivery/release-health';
import { DeliveryAnnotations, VerifiedSwitch, VerifiedSwitchProps, deliveryAnnotations, kubeStateMetricsAnnotationLabel } from '../lib/delivery/verified-switch';
import { PLATFORM_DELIVERY_ANNOTATION_PREFIX } from '../lib/laravel/laravel-defaults';

const PLATFORM = deliveryAnnotations(PLATFORM_DELIVERY_ANNOTATION_PREFIX);
import { ArgoCdAnnotations, SyncWave } from '../lib/delivery/sync-waves';
import { BlueGreenApp } from '../lib/web/blue-green-app';
import { ENVIRONMENTS } from '../stacks/config';
import { renderGitOps } from '../stacks/gitops-stack';
import { ManifestFile } from '../lib/render/manifest-writer';
import { renderedFiles, withWeb } from './environment-helpers';
import { K8sObject, SMALL_RESOURCES, findObject, ofKind, synthChart, testChart } from './helpers';

const objectsOf = (files: ManifestFile[]) => files.flatMap((f) => f.objects as K8sObject[]);
const prodFiles = renderedFiles(ENVIRONMENTS.prod);
const stagingFiles = renderedFiles(ENVIRONMENTS.staging);
const prod = objectsOf(prodFiles);
const staging = objectsOf(stagingFiles);
const envOf = (job: K8sObject) => Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]));

/** Recording rule names shipped in an environment's alerting manifest (rule files or PrometheusRule). */
function recordedNames(objects: K8sObject[]): Set<string> {
  const groups = objects.flatMap((o) => {
    if (o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-rules') {
      return Object.values(o.data as Record<string, string>).flatMap((text) => (YAML.parse(text) as { groups: Array<{ rules: Array<{ record?: string }> }> }).groups);
    }
    return o.kind === 'PrometheusRule' ? o.spec.groups : [];
  });
  return new Set(groups.flatMap((g: { rules: Array<{ record?: string }> }) => g.rules.map((r) => r.record).filter((r): r is string => r !== undefined)));
}

describe('VerifiedSwitch in the shipped environments', () => {
  test.each([['prod', prod, 'blue', 'green', '900'], ['staging', staging, 'green', 'blue', '300']] as const)(
    '%s: a Sync hook after the switch, before the old colour retires, verifies the live colour for its bake time and knows the colour to return to', (_env, objects, live, previous, bake) => {
      const job = findObject(objects, 'Job', 'laravel-verify-switch');
      expect(job.metadata.annotations?.[ArgoCdAnnotations.HOOK]).toBe('Sync');
      expect(job.metadata.annotations?.[ArgoCdAnnotations.SYNC_WAVE]).toBe(String(SyncWave.VERIFY));
      expect(SyncWave.TRAFFIC).toBeLessThan(SyncWave.VERIFY);
      expect(SyncWave.VERIFY).toBeLessThan(SyncWave.RETIRE);
      expect(job.metadata.annotations?.[ArgoCdAnnotations.HOOK_DELETE_POLICY]).toBe('BeforeHookCreation');
      const env = envOf(job);
      expect(env).toMatchObject({ TARGET_COLOUR: live, PREVIOUS_COLOUR: previous, BAKE_SECONDS: bake, ERROR_RATIO_MAX: '0.001', LATENCY_MAX_SECONDS: '0.2', SERVICE: 'laravel-service' });
      expect(job.spec.activeDeadlineSeconds).toBe(Number(bake) + 300);
      expect(job.spec.backoffLimit).toBe(0);
    });

  test('prod queries the colour\'s recording rules, and each query names a series the alerting records', () => {
    const env = envOf(findObject(prod, 'Job', 'laravel-verify-switch'));
    expect(env.ERROR_RATIO_QUERY).toBe('environment:release_error_ratio:rate2m{slo="availability",environment="blue"}');
    expect(env.LATENCY_QUERY).toBe('environment:release_latency_p95_seconds:rate2m{slo="latency_p95",environment="blue"}');
    for (const [objects, job] of [[prod, envOf(findObject(prod, 'Job', 'laravel-verify-switch'))], [staging, envOf(findObject(staging, 'Job', 'laravel-verify-switch'))]] as const) {
      const recorded = recordedNames(objects);
      expect(recorded.size).toBeGreaterThan(0);
      for (const query of [job.ERROR_RATIO_QUERY, job.LATENCY_QUERY]) {
        expect(recorded.has(query.slice(0, query.indexOf('{')))).toBe(true);
      }
    }
  });

  test('the Job is pinned, restricted, sized and runs as its own ServiceAccount', () => {
    const job = findObject(prod, 'Job', 'laravel-verify-switch');
    const pod = job.spec.template.spec;
    const c = pod.containers[0];
    expect(c.image).toBe('curlimages/curl:8.9.1');
    expect(c.resources.requests).toBeDefined();
    expect(c.resources.limits).toBeDefined();
    expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.serviceAccountName).toBe('laravel-verify-switch');
    expect(pod.restartPolicy).toBe('Never');
  });

  test('its Role may only get and patch the one live Service', () => {
    const role = findObject(prod, 'Role', 'laravel-verify-switch');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['services'], resourceNames: ['laravel-service'], verbs: ['get', 'patch'] }]);
    const binding = findObject(prod, 'RoleBinding', 'laravel-verify-switch');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'laravel-verify-switch', namespace: 'ecommerce' }]);
  });

  test('dev renders no verification hook', () => {
    const dev = objectsOf(renderedFiles(ENVIRONMENTS.dev));
    expect(dev.length).toBeGreaterThan(0);
    expect(dev.filter((o) => o.metadata.name === 'laravel-verify-switch')).toEqual([]);
  });

  test('kube-state-metrics exports the rollback annotations ReleaseRolledBack reads', () => {
    const ksm = findObject(prod, 'Deployment', 'kube-state-metrics');
    expect(ksm.spec.template.spec.containers[0].args).toContain(
      `--metric-annotations-allowlist=services=[${PLATFORM.ROLLBACK_REASON},${PLATFORM.ROLLED_BACK}]`);
    expect(kubeStateMetricsAnnotationLabel(PLATFORM.ROLLED_BACK)).toBe('annotation_delivery_ecommerce_platform_rolled_back');
  });
});

/**
 * Argo CD's comparison as it applies here: an object is in sync when every field of the desired object,
 * minus the ignored JSON pointers, equals the live one (fields only the cluster has are not compared).
 */
function inSync(desired: K8sObject, live: K8sObject, ignored: string[]): boolean {
  const strip = (o: K8sObject) => {
    const copy = JSON.parse(JSON.stringify(o));
    for (const pointer of ignored) {
      const keys = pointer.split('/').slice(1);
      const parent = keys.slice(0, -1).reduce((x, k) => x?.[k], copy);
      delete parent?.[keys[keys.length - 1]];
    }
    return copy;
  };
  const contained = (d: unknown, l: unknown): boolean => (d !== null && typeof d === 'object'
    ? l !== null && typeof l === 'object' && Object.entries(d as object).every(([k, v]) => contained(v, (l as Record<string, unknown>)[k]))
    : d === l);
  return contained(strip(desired), strip(live));
}

describe('Argo CD does not undo an automatic rollback', () => {
  const applications = renderGitOps([{ config: ENVIRONMENTS.staging, files: stagingFiles }, { config: ENVIRONMENTS.prod, files: prodFiles }])
    .flatMap((f) => f.objects as K8sObject[]);
  const app = (name: string) => findObject(applications, 'Application', name);

  test('staging self-heals, and ignores exactly the live Service\'s selector; prod syncs by hand with the same rule', () => {
    expect(app('ecommerce-staging').spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(app('ecommerce-prod').spec.syncPolicy.automated).toBeUndefined();
    for (const name of ['ecommerce-staging', 'ecommerce-prod']) {
      expect(app(name).spec.ignoreDifferences).toEqual([{ group: '', kind: 'Service', namespace: 'ecommerce', name: 'laravel-service', jsonPointers: ['/spec/selector'] }]);
      // RespectIgnoreDifferences would stop syncs from applying the selector at all: a committed switch must still apply it.
      expect(app(name).spec.syncPolicy.syncOptions).not.toContain('RespectIgnoreDifferences=true');
    }
  });

  const ignored = app('ecommerce-staging').spec.ignoreDifferences[0].jsonPointers as string[];
  const desired = findObject(staging, 'Service', 'laravel-service');

  test('the hook\'s rollback (selector and annotations patched in the cluster) is no drift, so self-heal leaves it', () => {
    const rolledBack = JSON.parse(JSON.stringify(desired));
    rolledBack.spec.selector.environment = 'blue';
    rolledBack.metadata.annotations[PLATFORM.ROLLED_BACK] = 'green:v1.4.0-rc.1 to blue:v1.3.0';
    rolledBack.metadata.annotations[PLATFORM.ROLLBACK_REASON] = 'error_ratio 0.03 above 0.001';
    expect(inSync(desired, rolledBack, [])).toBe(false);
    expect(inSync(desired, rolledBack, ignored)).toBe(true);
  });

  test('a switch committed to git still makes the Service OutOfSync (its release annotation changes), so the sync applies it', () => {
    const switched = findObject(objectsOf(renderedFiles(withWeb('staging', { liveColour: 'blue' }))), 'Service', 'laravel-service');
    expect(switched.spec.selector.environment).toBe('blue');
    expect(inSync(switched, desired, ignored)).toBe(false);
  });
});

describe('VerifiedSwitch', () => {
  function render(props: Partial<VerifiedSwitchProps> = {}) {
    const chart = testChart();
    const app = new BlueGreenApp(chart, 'Shop', {
      name: 'shop', imageRepository: 'ghcr.io/acme/shop', blueImageTag: 'v1.0.0', greenImageTag: 'v1.1.0', liveColour: 'green',
      resources: SMALL_RESOURCES, replicas: 1, idleReplicas: 1,
    });
    const slos = new PlatformSlos(chart, 'Slos', { appNamespace: 'ecommerce' });
    const health = new ReleaseHealth(chart, 'Health', { availability: slos.availability, latency: slos.latency, releaseLabel: 'colour' });
    const verify = new VerifiedSwitch(chart, 'Verify', {
      app, health, prometheusUrl: 'http://prometheus:9090', image: 'curlimages/curl:8.9.1', resources: SMALL_RESOURCES, apiServerCidr: '10.0.0.0/16', ...props,
    });
    return { verify, objects: synthChart(chart) };
  }

  test('defaults to seed 004\'s 15 minutes and seed 003\'s thresholds, and marks the live Service with its release', () => {
    const { objects, verify } = render();
    expect(verify.bakeTime.toSeconds()).toBe(900);
    const env = envOf(findObject(objects, 'Job', 'shop-verify-switch'));
    expect(env).toMatchObject({ BAKE_SECONDS: '900', INTERVAL_SECONDS: '30', ERROR_RATIO_MAX: '0.001', LATENCY_MAX_SECONDS: '0.2', TARGET_VERSION: 'v1.1.0', PREVIOUS_VERSION: 'v1.0.0' });
    expect(findObject(objects, 'Service', 'shop-service').metadata.annotations?.[DeliveryAnnotations.RELEASE]).toBe('green:v1.1.0');
    expect(ofKind(objects, 'Job')).toHaveLength(1);
  });

  test('writes its annotations under the prefix it is given, and the alert reads them there', () => {
    const { objects, verify } = render({ annotationPrefix: 'release.acme.io' });
    expect(verify.annotations.ROLLED_BACK).toBe('release.acme.io/rolled-back');
    expect(findObject(objects, 'Service', 'shop-service').metadata.annotations).toEqual(expect.objectContaining({ 'release.acme.io/release': 'green:v1.1.0' }));
    expect(envOf(findObject(objects, 'Job', 'shop-verify-switch'))).toMatchObject({
      ANNOTATION_VERIFIED: 'release.acme.io/verified', ANNOTATION_ROLLED_BACK: 'release.acme.io/rolled-back', ANNOTATION_REASON: 'release.acme.io/rollback-reason',
    });
    expect(verify.alert.expr).toContain('annotation_release_acme_io_rolled_back');
    expect(DeliveryAnnotations.RELEASE).toBe('delivery.verified-switch/release');
  });

  test('fails when the annotation prefix is no DNS subdomain', () => {
    expect(() => render({ annotationPrefix: 'Release/Acme' })).toThrow(/annotationPrefix: must be a DNS subdomain such as "delivery.verified-switch", got "Release\/Acme"/);
  });

  test('fails when the bake time is zero, the check interval longer than the bake or the latency limit zero', () => {
    expect(() => render({ bakeTime: Duration.seconds(0) })).toThrow('[test/Verify] bakeTime: must be a whole number of seconds, at least 1s, got Duration 0 seconds');
    expect(() => render({ bakeTime: Duration.minutes(5), checkInterval: Duration.minutes(6) }))
      .toThrow('[test/Verify] checkInterval: must not be longer than the bake time (300s), got 360s');
    expect(() => render({ latencyMax: Duration.millis(0) })).toThrow('[test/Verify] latencyMax: must be a positive Duration such as Duration.millis(200), got 0s');
  });

  test('fails when a threshold is outside (0, 1]', () => {
    expect(() => render({ errorRatioMax: 0 })).toThrow('[test/Verify] errorRatioMax: must be a fraction in (0, 1], got 0');
    expect(() => render({ errorRatioMax: 1.01 })).toThrow('[test/Verify] errorRatioMax: must be a fraction in (0, 1], got 1.01');
  });

  test('fails when the image is not pinned', () => {
    expect(() => render({ image: 'curlimages/curl:latest' })).toThrow(/^\[test\/Verify\] image: /);
  });
});
