import { Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { BlueGreenApp, BlueGreenAppProps } from '../lib/web/blue-green-app';
import { DeployHooks, DeployHooksProps } from '../lib/delivery/deploy-hooks';
import { LARAVEL_CACHE_WARM_COMMAND, LARAVEL_MIGRATION_COMMAND, LARAVEL_SMOKE_TEST_PATHS as SMOKE_TEST_PATHS } from '../lib/laravel';
import { NetworkConnections, NetworkPeer } from '../lib/safety/network-connections';
import { ArgoCdAnnotations } from '../lib/delivery/sync-waves';
import { ENVIRONMENTS } from '../stacks/config';
import { shippedEnvironments } from './environment-helpers';
import { K8sObject, SMALL_RESOURCES, findObject, synthChart, testChart } from './helpers';

const APP: BlueGreenAppProps = {
  name: 'shop', partOf: 'ecommerce', imageRepository: 'ghcr.io/acme/shop', blueImageTag: 'v1.2.3', greenImageTag: 'v1.3.0',
  liveColour: 'green', resources: SMALL_RESOURCES, replicas: 2, idleReplicas: 2,
  env: { APP_ENV: 'production' },
  secretEnv: { DB_PASSWORD: { secret: kplus.Secret.fromSecretName(testChart(), 'S', 'db'), key: 'password' } },
};

function render(props: Partial<DeployHooksProps> = {}, app: Partial<BlueGreenAppProps> = {}) {
  const chart = testChart();
  const blueGreen = new BlueGreenApp(chart, 'Shop', { ...APP, ...app });
  const hooks = new DeployHooks(chart, 'Hooks', { app: blueGreen, resources: SMALL_RESOURCES, smokeTestResources: SMALL_RESOURCES, smokeTestImage: 'curlimages/curl:8.9.1',
    migrationCommand: [...LARAVEL_MIGRATION_COMMAND], cacheWarmCommand: [...LARAVEL_CACHE_WARM_COMMAND], smokeTestPaths: SMOKE_TEST_PATHS, ...props });
  return { hooks, objects: synthChart(chart), chart };
}

const container = (job: K8sObject) => job.spec.template.spec.containers[0];

describe('DeployHooks', () => {
  const { objects, chart } = render();
  const migrate = findObject(objects, 'Job', 'shop-migrate');
  const warm = findObject(objects, 'Job', 'shop-cache-warm');
  const smoke = findObject(objects, 'Job', 'shop-smoke-test');

  test('are Argo CD Sync hooks in waves 1, 3, 4 (the release moves in 2), replaced before the next run', () => {
    for (const [job, wave] of [[migrate, '1'], [warm, '3'], [smoke, '4']] as const) {
      expect(job.metadata.annotations).toEqual({
        [ArgoCdAnnotations.HOOK]: 'Sync', [ArgoCdAnnotations.HOOK_DELETE_POLICY]: 'BeforeHookCreation', [ArgoCdAnnotations.SYNC_WAVE]: wave,
      });
    }
    expect(findObject(objects, 'Service', 'shop-service').metadata.annotations?.[ArgoCdAnnotations.SYNC_WAVE]).toBe('10');
  });

  test('migration and warm-up run the image of the colour taking traffic, with the app\'s configuration', () => {
    expect(container(migrate).image).toBe('ghcr.io/acme/shop:v1.3.0');
    expect(container(migrate).command).toEqual(['php', 'artisan', 'migrate', '--force']);
    expect(container(warm).image).toBe('ghcr.io/acme/shop:v1.3.0');
    expect(container(warm).command).toEqual(['php', 'artisan', 'cache:warm']);
    expect(container(migrate).imagePullPolicy).toBe('IfNotPresent');
    expect(container(migrate).env).toEqual(findObject(objects, 'Deployment', 'shop-green').spec.template.spec.containers[0].env);
    expect(container(migrate).env).toContainEqual({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } });
    expect(migrate.spec.backoffLimit).toBe(0);
    expect(warm.spec.backoffLimit).toBe(2);
  });

  test('smoke tests request the seed\'s paths from the colour\'s Service', () => {
    const script = container(smoke).command[2] as string;
    expect(script).toContain("base='http://shop-green-service.ecommerce.svc.cluster.local'");
    for (const p of SMOKE_TEST_PATHS) {
      expect(script).toContain(`"$base"'${p}'`);
    }
    expect(container(smoke).image).toBe('curlimages/curl:8.9.1');
  });

  test('pods are restricted, bounded and never restarted in place', () => {
    for (const job of [migrate, warm, smoke]) {
      const pod = job.spec.template.spec;
      expect(pod.restartPolicy).toBe('Never');
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(container(job).securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(container(job).resources.limits).toEqual({ cpu: '200m', memory: '256Mi' });
      expect(job.spec.activeDeadlineSeconds).toBeGreaterThan(0);
      expect(job.spec.template.metadata.labels['cdk8s.io/metadata.addr']).toBeUndefined();
      expect(job.spec.template.metadata.labels.app).toBe(job.metadata.name);
    }
  });

  test('without declared connections, the hooks reach only the app (smoke tests): nothing is assumed about its data tier', () => {
    const declared = NetworkConnections.of(chart).connections().map((c) => `${c.from.describe()} -> ${c.to.describe()} ${c.port}`);
    expect(declared).toEqual(['pods app=shop-smoke-test in ecommerce -> pods app=shop in ecommerce 8080']);
  });

  test('declare the flows the caller gives each hook, with its reason', () => {
    const postgres = NetworkPeer.pods('data', { app: 'postgres' });
    const memcached = NetworkPeer.pods('ecommerce', { app: 'memcached' });
    const { chart: c } = render({
      migrationConnections: [{ to: postgres, port: 5432, reason: 'migrates PostgreSQL' }],
      cacheWarmConnections: [{ to: postgres, port: 5432, reason: 'reads PostgreSQL' }, { to: memcached, port: 11211, protocol: 'UDP', reason: 'fills memcached' }],
    });
    const declared = NetworkConnections.of(c).connections().map((x) => `${x.from.describe()} -> ${x.to.describe()} ${x.port}/${x.protocol}: ${x.reason}`);
    expect(declared).toEqual([
      'pods app=shop-migrate in ecommerce -> pods app=postgres in data 5432/TCP: migrate hook migrates PostgreSQL',
      'pods app=shop-cache-warm in ecommerce -> pods app=postgres in data 5432/TCP: cache-warm hook reads PostgreSQL',
      'pods app=shop-cache-warm in ecommerce -> pods app=memcached in ecommerce 11211/UDP: cache-warm hook fills memcached',
      'pods app=shop-smoke-test in ecommerce -> pods app=shop in ecommerce 8080/TCP: smoke tests against shop-<colour>-service',
    ]);
  });

  test('rejects a connection without a peer, a valid port or a reason', () => {
    const peer = NetworkPeer.pods('data', { app: 'postgres' });
    expect(() => render({ migrationConnections: [{ to: 'postgres' as never, port: 5432, reason: 'r' }] })).toThrow('[test/Hooks] migrationConnections[0].to: ');
    expect(() => render({ cacheWarmConnections: [{ to: peer, port: 0, reason: 'r' }] })).toThrow('[test/Hooks] cacheWarmConnections[0].port: must be a port number from 1 to 65535, got 0');
    expect(() => render({ cacheWarmConnections: [{ to: peer, port: 5432, reason: '' }] })).toThrow('[test/Hooks] cacheWarmConnections[0].reason: ');
  });

  test('follow the live colour', () => {
    const blue = render({}, { liveColour: 'blue' }).objects;
    expect(container(findObject(blue, 'Job', 'shop-migrate')).image).toBe('ghcr.io/acme/shop:v1.2.3');
    expect(container(findObject(blue, 'Job', 'shop-smoke-test')).command[2]).toContain('shop-blue-service');
  });

  test.each([
    [{ smokeTestImage: 'curlimages/curl:latest' }, '[test/Hooks] smokeTestImage: must be an image pinned to a semantic version or digest'],
    [{ smokeTestPaths: [] }, '[test/Hooks] smokeTestPaths: required: at least one path'],
    [{ smokeTestPaths: ["/x'; rm -rf /"] }, '[test/Hooks] smokeTestPaths[0]: must be an absolute path with query, without quotes or spaces'],
    [{ resources: { ...SMALL_RESOURCES, memoryLimit: Size.mebibytes(64) } }, '[test/Hooks] resources.'],
  ])('rejects %j', (props, message) => {
    expect(() => render(props as Partial<DeployHooksProps>)).toThrow(message);
  });
});

describe.each(shippedEnvironments())('%s deploy hooks', (name, objects) => {
  const config = ENVIRONMENTS[name];
  test('target the configured live colour with its tag and the hook resources', () => {
    const live = config.web.liveColour;
    const tag = live === 'blue' ? config.web.blueImageTag : config.web.greenImageTag;
    expect(container(findObject(objects, 'Job', 'laravel-migrate')).image).toBe(`${config.web.imageRepository}:${tag}`);
    expect(container(findObject(objects, 'Job', 'laravel-smoke-test')).command[2]).toContain(`laravel-${live}-service`);
    expect(findObject(objects, 'Service', `laravel-${live}-service`).spec.selector.environment).toBe(live);
  });
});
