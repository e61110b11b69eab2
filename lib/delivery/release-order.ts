import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { BlueGreenApp, Colour } from '../web/blue-green-app';
import { failAt } from '../core/errors';
import { SyncWave, SyncWaves } from './sync-waves';
import { checkArrayOf, checkInstance, checkProps, checkResourceOf, optional, Rules } from '../core/checks';

/** Kinds whose pods run code; other objects of a schema consumer (autoscalers, budgets) only follow it. */
const POD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob']);

/** Props of {@link ReleaseOrder}. */
export interface ReleaseOrderProps {
  /** The blue/green app whose releases are ordered. */
  readonly app: BlueGreenApp;

  /** The migration hook Job (`DeployHooks.migration`): everything that runs the release's code comes after it. */
  readonly migration: kplus.Job;

  /**
   * Other constructs that run the release's code against the database (queue workers, the scheduler). Every
   * object below each moves in {@link SyncWave.RELEASE}, after the migration.
   *
   * @default - none: only the app's colours are ordered
   */
  readonly schemaConsumers?: readonly IConstruct[];
}

/** Run-time checks of {@link ReleaseOrderProps}, applied before anything is created. */
const RELEASE_ORDER_RULES: Rules = {
  app: checkInstance((v) => v instanceof BlueGreenApp, 'a BlueGreenApp'),
  migration: checkResourceOf('Job', 'a cdk8s-plus Job'),
  schemaConsumers: optional(checkArrayOf(checkInstance((v) => v instanceof Construct, 'a construct'))),
};

/**
 * Assigns the waves of a release so that live traffic never loses capacity and no code runs ahead of its
 * schema, and checks them once the tree is complete ({@link checkReleaseOrder}).
 *
 * - The live colour of the commit (the one about to take traffic) moves in {@link SyncWave.RELEASE}: after
 *   the migration, before the smoke tests and the live Service ({@link SyncWave.TRAFFIC}). At a switch its
 *   autoscaler rises to the live bounds here, before traffic arrives; in a hotfix its new image rolls out
 *   here, after the migration.
 * - The idle colour moves in {@link SyncWave.RETIRE}, after the live Service: at a switch the colour that was
 *   serving drops to `idleReplicas` only once traffic has left it. The HPA controller applies a lower
 *   `maxReplicas` at once, so dropping it any earlier would cap peak traffic at the idle size for the whole
 *   migration, warm-up and smoke test.
 * - Schema consumers (queue workers, scheduler) move in {@link SyncWave.RELEASE}, after the migration.
 *
 * Because the waves follow the commit's live colour, the same rules hold in both directions of a switch
 * (promote and rollback). An object that already carries a wave keeps it; the check then refuses an order
 * that breaks a rule.
 */
export class ReleaseOrder extends Construct {
  /** The app. */
  public readonly app: BlueGreenApp;

  /** The migration hook Job. */
  public readonly migration: kplus.Job;

  /** Constructs running the release's code besides the app. */
  public readonly schemaConsumers: readonly IConstruct[];

  constructor(scope: Construct, id: string, props: ReleaseOrderProps) {
    super(scope, id);
    checkProps(this, props, RELEASE_ORDER_RULES);
    this.app = props.app;
    this.migration = props.migration;
    this.schemaConsumers = props.schemaConsumers ?? [];
    if (!(props.app instanceof BlueGreenApp)) {
      failAt(this, 'app', 'must be a BlueGreenApp');
    }
    this.schemaConsumers.forEach((c, i) => {
      if (c === undefined || c === null || typeof (c as IConstruct).node !== 'object') {
        failAt(this, `schemaConsumers[${i}]`, 'must be a construct');
      }
    });

    const live = this.app.liveColour;
    for (const obj of this.colourObjects(live)) {
      assignWave(obj, SyncWave.RELEASE);
    }
    for (const obj of this.colourObjects(this.app.idleColour)) {
      assignWave(obj, SyncWave.RETIRE);
    }
    for (const consumer of this.schemaConsumers) {
      for (const obj of apiObjectsBelow(consumer)) {
        assignWave(obj, SyncWave.RELEASE);
      }
    }
  }

  /**
   * Refuses an order that would hurt live traffic or run code ahead of its schema.
   *
   * @throws ValidationError at the misplaced object's path, naming its wave and the rule it breaks
   */
  public check(): void {
    const migration = ApiObject.of(this.migration);
    const migrationWave = SyncWaves.effectiveWave(migration);
    const liveService = ApiObject.of(this.app.liveService);
    const trafficWave = SyncWaves.effectiveWave(liveService);
    const live = this.app.liveColour;
    const idle = this.app.idleColour;

    const consumers = [ApiObject.of(this.app.colour(live).deployment), ...this.schemaConsumers.flatMap(apiObjectsBelow)]
      .filter((obj) => POD_KINDS.has(obj.kind));
    for (const obj of consumers) {
      const wave = SyncWaves.effectiveWave(obj);
      if (wave <= migrationWave) {
        failAt(obj, 'sync-wave', `${wave} starts ${obj.kind} ${obj.name} before the migration (Job ${migration.name}, wave ${migrationWave}) `
          + 'has run; it runs the release\'s code against the database, so it must come after the migration');
      }
    }
    for (const obj of this.capacityObjects(live)) {
      const wave = SyncWaves.effectiveWave(obj);
      if (wave > trafficWave) {
        failAt(obj, 'sync-wave', `${wave} raises ${obj.kind} ${obj.name} to the live bounds (up to ${this.app.maximumReplicas(live)} pods) only after `
          + `Service ${liveService.name} sends traffic to ${live} (wave ${trafficWave}); it must come before or with the switch`);
      }
    }
    for (const obj of this.capacityObjects(idle)) {
      const wave = SyncWaves.effectiveWave(obj);
      if (wave <= trafficWave) {
        failAt(obj, 'sync-wave', `${wave} lowers ${obj.kind} ${obj.name} to the idle size (${this.app.maximumReplicas(idle)} pods) before `
          + `Service ${liveService.name} moves traffic off ${idle} (wave ${trafficWave}); it must come after the switch`);
      }
    }
  }

  /** The objects of a colour that move together: Deployment, autoscaler, disruption budget. */
  private colourObjects(colour: Colour): ApiObject[] {
    const c = this.app.colour(colour);
    return [ApiObject.of(c.deployment), ...(c.hpa === undefined ? [] : [c.hpa.apiObject]), ...(c.pdb === undefined ? [] : [c.pdb])];
  }

  /** The object holding a colour's size: its autoscaler, or its Deployment when the size is fixed. */
  private capacityObjects(colour: Colour): ApiObject[] {
    const c = this.app.colour(colour);
    return c.hpa === undefined ? [ApiObject.of(c.deployment)] : [c.hpa.apiObject];
  }
}

/**
 * Runs {@link ReleaseOrder.check} for every release order in the tree; synth calls it once every wave is
 * assigned.
 *
 * @throws ValidationError for the first misplaced object
 */
export function checkReleaseOrder(root: IConstruct): void {
  for (const order of root.node.findAll().filter((c): c is ReleaseOrder => c instanceof ReleaseOrder)) {
    order.check();
  }
}

function apiObjectsBelow(scope: IConstruct): ApiObject[] {
  return scope.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
}

function assignWave(obj: ApiObject, wave: number): void {
  if (SyncWaves.waveSetOn(obj) === undefined) {
    SyncWaves.setWave(obj, wave);
  }
}
