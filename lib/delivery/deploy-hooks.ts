import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { BlueGreenApp, Colour } from '../web/blue-green-app';
import { ContainerResourceSpec, checkResources, toContainerResources } from '../core/container-resources';
import { assertAt, failAt } from '../core/errors';
import {
  checkArrayOf, checkInstance, checkInteger, checkNonEmpty, checkPort, checkProps, checkShape, checkString, integer, oneOf, optional, Rules,
} from '../core/checks';
import { imagePullPolicy, mountWritablePaths } from '../core/workload-parts';
import { checkPinnedImage } from '../observability/monitoring-server';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/pod-hardening';
import { LabelKeys, recommendedLabels } from '../core/labels';
import { NetworkConnections, NetworkPeer, NetworkProtocol } from '../safety/network-connections';
import { ArgoCdAnnotations, SyncWave, SyncWaves } from './sync-waves';
import { checkResourceSpec } from '../core/container-resources';
import { derivedName } from '../core/names';

/** Smoke tests when none are given: the health endpoint and the home page. */
export const DEFAULT_SMOKE_TEST_PATHS: readonly string[] = ['/healthz', '/'];

/** Something a hook Job connects to; the hook's pods are the source. */
export interface DeployHookConnection {
  /** Who accepts the connection (`NetworkPeer.pods(namespace, { app: 'postgres' })`). */
  readonly to: NetworkPeer;

  /** Destination port on the accepting pods. */
  readonly port: number;

  /**
   * Transport protocol.
   *
   * @default 'TCP'
   */
  readonly protocol?: NetworkProtocol;

  /** Why, completing "<hook> hook ..." in the NetworkPolicy's note (`'reads and writes PostgreSQL'`). */
  readonly reason: string;
}

/** Run-time check of {@link DeployHookConnection}. */
const checkDeployHookConnection = checkShape({
  to: checkInstance((v) => v instanceof NetworkPeer, 'a NetworkPeer'),
  port: checkPort,
  protocol: optional(oneOf(['TCP', 'UDP'])),
  reason: checkNonEmpty,
});

/** Props of {@link DeployHooks}. */
export interface DeployHooksProps {
  /** The app whose releases the hooks gate. */
  readonly app: BlueGreenApp;

  /** Requests and limits of the migration and cache warm-up containers (they run the app image). */
  readonly resources: ContainerResourceSpec;

  /** Command of Job `<app>-migrate`: the database migration, run with the app image (`['bin/migrate']`). */
  readonly migrationCommand: string[];

  /** Command of Job `<app>-cache-warm`: fills the app's caches before traffic arrives (`['bin/warm-cache']`). */
  readonly cacheWarmCommand: string[];

  /**
   * What the migration Job connects to (its database); each becomes a declared network flow, so the
   * derived NetworkPolicies allow exactly these.
   *
   * @default - none: under a default-deny policy the migration reaches nothing but DNS
   */
  readonly migrationConnections?: readonly DeployHookConnection[];

  /**
   * What the cache warm-up Job connects to (its database and cache).
   *
   * @default - none: under a default-deny policy the warm-up reaches nothing but DNS
   */
  readonly cacheWarmConnections?: readonly DeployHookConnection[];

  /** Requests and limits of the smoke test container. */
  readonly smokeTestResources: ContainerResourceSpec;

  /** Pinned image with `curl` and `/bin/sh` for the smoke tests (`curlimages/curl:8.9.1`). */
  readonly smokeTestImage: string;

  /**
   * Paths requested from the colour's Service; each must answer 2xx.
   *
   * @default DEFAULT_SMOKE_TEST_PATHS
   */
  readonly smokeTestPaths?: readonly string[];

  /**
   * UID and GID the app image runs as (the BlueGreenApp's `runAsUser`).
   *
   * @default 1000
   */
  readonly runAsUser?: number;

  /**
   * UID and GID the smoke test image runs as (curlimages/curl's `curl_user`).
   *
   * @default 100
   */
  readonly smokeTestRunAsUser?: number;
}

/** Run-time checks of {@link DeployHooksProps}, applied before anything is created. */
const DEPLOY_HOOKS_RULES: Rules = {
  app: checkInstance((v) => v instanceof BlueGreenApp, 'a BlueGreenApp'),
  resources: checkResourceSpec,
  migrationCommand: checkArrayOf(checkString),
  cacheWarmCommand: checkArrayOf(checkString),
  migrationConnections: optional(checkArrayOf(checkDeployHookConnection)),
  cacheWarmConnections: optional(checkArrayOf(checkDeployHookConnection)),
  smokeTestResources: checkResourceSpec,
  smokeTestImage: checkString,
  smokeTestPaths: optional(checkArrayOf(checkString)),
  runAsUser: optional(integer(1)),
  smokeTestRunAsUser: optional(integer(1)),
};

/**
 * The deploy hooks of a BlueGreenApp as Argo CD Sync hooks: database migration, cache warm-up and smoke
 * tests against the colour that is about to take traffic (the app's `liveColour` in the commit being
 * synced), all before the live Service moves.
 *
 * Order within a sync (README "Deploy hooks", waves from {@link SyncWave}): namespaces and configuration,
 * then the servers, then `<app>-migrate` (`migrationCommand`, the colour's image) while the colour serving
 * today keeps serving, then what runs the release's code (`ReleaseOrder`), then `<app>-cache-warm`
 * (`cacheWarmCommand`: a cold cache right after a switch can take the database down), `<app>-smoke-test`
 * (`smokeTestPaths` requested from `<app>-<colour>-service`), and only then the live Service
 * `<app>-service` and the Ingress. A failed hook fails the sync: the selector is not switched.
 *
 * Sync hooks rather than PreSync: PreSync runs before anything is applied, so on a first deploy the
 * namespace, Secrets' consumers and the database would not exist yet. Delete policy `BeforeHookCreation`: the Job
 * of the last run (and its logs, e.g. the migration output) stays until the next sync replaces it, which is
 * also what lets the names be fixed.
 *
 * Network flows: the migration and warm-up reach what `migrationConnections` and `cacheWarmConnections`
 * declare (nothing is assumed about the app's database or cache); the smoke tests reach the app's pods.
 */
export class DeployHooks extends Construct {
  /** Job `<app>-migrate`. */
  public readonly migration: kplus.Job;

  /** Job `<app>-cache-warm`. */
  public readonly cacheWarmUp: kplus.Job;

  /** Job `<app>-smoke-test`. */
  public readonly smokeTest: kplus.Job;

  /** The colour the hooks prepare (the app's live colour). */
  public readonly colour: Colour;

  private readonly app: BlueGreenApp;

  constructor(scope: Construct, id: string, props: DeployHooksProps) {
    super(scope, id);
    checkProps(this, props, DEPLOY_HOOKS_RULES);
    const app = props.app;
    this.app = app;
    const paths = props.smokeTestPaths ?? DEFAULT_SMOKE_TEST_PATHS;
    const runAsUser = props.runAsUser ?? 1000;
    const smokeUser = props.smokeTestRunAsUser ?? 100;
    for (const field of ['resources', 'smokeTestResources'] as const) {
      const problem = checkResources(props[field]);
      if (problem !== undefined) {
        failAt(this, `${field}.${problem.field}`, problem.problem);
      }
    }
    assertAt(this, 'smokeTestImage', checkPinnedImage(props.smokeTestImage));
    if (paths.length === 0) {
      failAt(this, 'smokeTestPaths', 'required: at least one path');
    }
    paths.forEach((p, i) => assertAt(this, `smokeTestPaths[${i}]`, /^\/[A-Za-z0-9\-._~/?=&%]*$/.test(p)
      ? undefined : `must be an absolute path with query, without quotes or spaces, got ${JSON.stringify(p)}`));
    for (const field of ['migrationCommand', 'cacheWarmCommand'] as const) {
      const command = props[field];
      if (!Array.isArray(command) || command.length === 0) {
        failAt(this, field, `needs a command, got ${JSON.stringify(command)}`);
      }
      command.forEach((c, i) => assertAt(this, `${field}[${i}]`, checkNonEmpty(c)));
    }
    assertAt(this, 'runAsUser', checkInteger(runAsUser, 1));
    assertAt(this, 'smokeTestRunAsUser', checkInteger(smokeUser, 1));

    this.colour = app.liveColour;
    const target = app.colour(this.colour);
    const appContainer = target.deployment.containers[0];
    const namespace = target.deployment.metadata.namespace;
    assertAt(this, 'app', checkNonEmpty(namespace));
    const servicePort = target.service.ports[0];
    const image = app.image(this.colour);

    this.migration = this.addJob('Migrate', 'migrate', 'migration', SyncWave.MIGRATE, { backoffLimit: 0, deadlineSeconds: 600, runAsUser });
    this.addAppContainer(this.migration, 'migrate', appContainer, image, props.migrationCommand, props.resources, runAsUser);
    this.cacheWarmUp = this.addJob('CacheWarm', 'cache-warm', 'cache-warm-up', SyncWave.CACHE_WARM, { backoffLimit: 2, deadlineSeconds: 300, runAsUser });
    this.addAppContainer(this.cacheWarmUp, 'cache-warm', appContainer, image, props.cacheWarmCommand, props.resources, runAsUser);

    this.smokeTest = this.addJob('SmokeTest', 'smoke-test', 'smoke-test', SyncWave.SMOKE_TEST, { backoffLimit: 1, deadlineSeconds: 180, runAsUser: smokeUser });
    const base = `http://${target.service.name}.${namespace}.svc.cluster.local${servicePort.port === 80 ? '' : `:${servicePort.port}`}`;
    this.smokeTest.addContainer({
      name: 'smoke-test',
      image: props.smokeTestImage,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['/bin/sh', '-c', smokeScript(base, paths)],
      resources: toContainerResources(props.smokeTestResources),
      securityContext: restrictedContainerSecurityContext(smokeUser),
    });

    // The live Service moves only after every hook succeeded.
    SyncWaves.setWave(ApiObject.of(app.liveService), SyncWave.TRAFFIC);

    const network = NetworkConnections.of(this);
    const pods = (job: string) => NetworkPeer.pods(namespace!, { [LabelKeys.APP]: derivedName(app.appName, job) });
    const peer = (labels: Record<string, string>) => NetworkPeer.pods(namespace!, labels);
    const declared = [['migrate', props.migrationConnections ?? []], ['cache-warm', props.cacheWarmConnections ?? []]] as const;
    for (const [job, connections] of declared) {
      for (const c of connections) {
        network.allow(this, { from: pods(job), to: c.to, port: c.port, protocol: c.protocol, reason: `${job} hook ${c.reason}` });
      }
    }
    // To the app's pods of both colours: the allowed traffic then does not change at a colour switch (the
    // tests address one colour's Service; a NetworkPolicy per colour would be replaced at every switch).
    network.allow(this, {
      from: pods('smoke-test'), to: peer({ [LabelKeys.APP]: app.appName }), port: servicePort.targetPort ?? servicePort.port,
      reason: `smoke tests against ${app.appName}-<colour>-service`,
    });
  }

  private addJob(id: string, suffix: string, component: string, wave: number, options: { backoffLimit: number; deadlineSeconds: number; runAsUser: number }): kplus.Job {
    const app = this.app;
    const name = derivedName(app.appName, suffix);
    const partOf = app.colour(this.colour).deployment.metadata.getLabel(LabelKeys.PART_OF) ?? app.appName;
    const labels = { ...recommendedLabels({ name: app.appName, instance: name, component, partOf }), [LabelKeys.APP]: name };
    const job = new kplus.Job(this, id, {
      metadata: {
        name,
        labels,
        annotations: {
          [ArgoCdAnnotations.HOOK]: 'Sync',
          [ArgoCdAnnotations.HOOK_DELETE_POLICY]: 'BeforeHookCreation',
          [ArgoCdAnnotations.SYNC_WAVE]: String(wave),
        },
      },
      podMetadata: { labels },
      backoffLimit: options.backoffLimit,
      activeDeadline: Duration.seconds(options.deadlineSeconds),
      restartPolicy: kplus.RestartPolicy.NEVER,
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(options.runAsUser),
    });
    ApiObject.of(job).addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
    return job;
  }

  private addAppContainer(job: kplus.Job, name: string, source: kplus.Container, image: string, command: string[], resources: ContainerResourceSpec, runAsUser: number): void {
    const tag = image.includes('@') ? image.slice(image.indexOf('@') + 1) : image.slice(image.lastIndexOf(':') + 1);
    const container = job.addContainer({
      name,
      image,
      imagePullPolicy: imagePullPolicy(tag),
      command,
      // The same configuration the app's pods read: ConfigMaps, Secrets and variables.
      envVariables: source.env.variables,
      envFrom: source.env.sources,
      resources: toContainerResources(resources),
      securityContext: restrictedContainerSecurityContext(runAsUser),
    });
    mountWritablePaths(job, container, this.app.writablePaths, resources);
  }
}

/** POSIX sh: each path must answer 2xx within 10 s (curl retries connection refusals a few times). */
function smokeScript(base: string, paths: readonly string[]): string {
  const lines = ['set -eu', `base='${base}'`];
  for (const p of paths) {
    lines.push(`curl -fsS -o /dev/null --max-time 10 --retry 3 --retry-connrefused "$base"'${p}'`, `echo 'ok ${p}'`);
  }
  return lines.join('\n') + '\n';
}
