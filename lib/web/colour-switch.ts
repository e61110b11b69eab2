import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { BlueGreenApp, Colour, otherColour } from './blue-green-app';
import { ValidationError } from '../core/errors';
import { derivedName } from '../core/names';

type Manifest = { [key: string]: unknown };

/**
 * The manifests currently committed for an environment (what GitOps applies), looked up by kind,
 * namespace and name.
 *
 * Documents are indexed from their header lines and parsed only when asked for: a synth reads a handful of
 * small objects from the previous output, and parsing all of it would double the synth time.
 */
export class DeployedManifests {
  /** Reads every `.k8s.yaml` file of a folder; an empty set when the folder does not exist. */
  public static fromDirectory(dir: string): DeployedManifests {
    if (!fs.existsSync(dir)) {
      return new DeployedManifests([]);
    }
    const texts = fs.readdirSync(dir).filter((f) => f.endsWith('.k8s.yaml')).sort()
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
    return DeployedManifests.fromYaml(texts);
  }

  /** Indexes multi-document YAML texts. */
  public static fromYaml(texts: readonly string[]): DeployedManifests {
    return new DeployedManifests(texts.flatMap((t) => t.split(/^---$/m)));
  }

  /** Wraps objects that are already parsed. */
  public static fromObjects(objects: readonly Manifest[]): DeployedManifests {
    const index = new DeployedManifests([]);
    for (const obj of objects) {
      const meta = (obj.metadata ?? {}) as { name?: string; namespace?: string };
      index.parsed.set(key(String(obj.kind), meta.namespace ?? '', meta.name ?? ''), obj);
    }
    return index;
  }

  private readonly documents = new Map<string, string>();
  private readonly parsed = new Map<string, Manifest>();

  private constructor(documents: readonly string[]) {
    for (const doc of documents) {
      const kind = /^kind: (.+)$/m.exec(doc)?.[1];
      const name = /^ {2}name: (.+)$/m.exec(doc)?.[1];
      const namespace = /^ {2}namespace: (.+)$/m.exec(doc)?.[1] ?? '';
      if (kind !== undefined && name !== undefined) {
        this.documents.set(key(unquote(kind), unquote(namespace), unquote(name)), doc);
      }
    }
  }

  /** Every deployed object, parsed, in file order. */
  public all(): Manifest[] {
    return [...this.documents.keys()].map((id) => {
      const [kind, namespace, name] = id.split('/');
      return this.find(kind, namespace, name)!;
    });
  }

  /** The object of that kind, namespace and name, if deployed. */
  public find(kind: string, namespace: string, name: string): Manifest | undefined {
    const id = key(kind, namespace, name);
    const cached = this.parsed.get(id);
    if (cached !== undefined) {
      return cached;
    }
    const doc = this.documents.get(id);
    if (doc === undefined) {
      return undefined;
    }
    // Loaded on demand: most synths never need a YAML parser.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const parsed = (require('yaml') as typeof import('yaml')).parse(doc) as Manifest;
    this.parsed.set(id, parsed);
    return parsed;
  }
}

function key(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

function unquote(value: string): string {
  return value.startsWith('"') ? (JSON.parse(value) as string) : value;
}

function deployedLiveColour(deployed: DeployedManifests, namespace: string, appName: string, colourLabel: string): Colour | undefined {
  const service = deployed.find('Service', namespace, derivedName(appName, 'service'));
  const selector = ((service?.spec ?? {}) as { selector?: Record<string, string> }).selector ?? {};
  const colour = selector[colourLabel];
  return colour === 'blue' || colour === 'green' ? colour : undefined;
}

/** Pods a colour was deployed with: its HPA's minimum, or its Deployment's fixed count. */
function deployedSize(deployed: DeployedManifests, namespace: string, appName: string, colour: Colour): number {
  const hpa = deployed.find('HorizontalPodAutoscaler', namespace, derivedName(appName, colour, 'hpa'));
  const min = ((hpa?.spec ?? {}) as { minReplicas?: number }).minReplicas;
  if (min !== undefined) {
    return min;
  }
  const deployment = deployed.find('Deployment', namespace, derivedName(appName, colour));
  if (deployment === undefined) {
    return 0;
  }
  // A Deployment without `replicas` and without an HPA runs the API server's default of one pod.
  return ((deployment.spec ?? {}) as { replicas?: number }).replicas ?? 1;
}

/** The image a colour's Deployment was deployed with (its app container's). */
function deployedImage(deployed: DeployedManifests, namespace: string, appName: string, colour: Colour): string | undefined {
  const deployment = deployed.find('Deployment', namespace, derivedName(appName, colour));
  const spec = (deployment?.spec ?? {}) as { template?: { spec?: { containers?: Array<{ name?: string; image?: string }> } } };
  return spec.template?.spec?.containers?.find((c) => c.name === appName)?.image;
}

/** The tag or digest of an image reference (`repo:v1.2.3`, `registry:5000/repo@sha256:...`). */
function tagOfImage(image: string): string {
  if (image.includes('@')) {
    return image.slice(image.indexOf('@') + 1);
  }
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? image.slice(colon + 1) : image;
}

/**
 * Refuses a change of the serving colour's image in place (a blue/green deploy never writes to the colour that serves: "Cannot deploy to
 * currently active environment"), unless the app declares a hotfix for exactly the new tag.
 */
function checkServingImage(app: BlueGreenApp, deployed: DeployedManifests, namespace: string, serving: Colour): void {
  const before = deployedImage(deployed, namespace, app.appName, serving);
  const after = app.image(serving);
  if (before === undefined || before === after) {
    return;
  }
  const tag = app.imageTag(serving);
  if (app.hotfix !== undefined && app.hotfix.imageTag === tag) {
    return;
  }
  const repository = (image: string) => image.slice(0, image.length - tagOfImage(image).length);
  const shown = (image: string) => (repository(before) === repository(after) ? tagOfImage(image) : image);
  const declared = app.hotfix === undefined ? '' : `; the declared hotfix allows ${app.hotfix.imageTag} only`;
  throw new ValidationError(app.node.path, `${serving}ImageTag`,
    `${serving} serves live traffic (committed output) with ${shown(before)}; a release must not change it in place, got ${shown(after)}: `
    + `release to the idle colour ${otherColour(serving)} and switch, or for an emergency declare a hotfix for ${tag} (README "Switching the live colour")${declared}`);
}

/**
 * Refuses a release that would hurt the traffic the committed output serves: one that changes the serving
 * colour's image in place (without a hotfix for that tag), or a live-colour switch to a colour smaller than
 * the live minimum.
 *
 * The serving colour is the one the deployed live Service selects. If an app's live colour differs from it,
 * the colour taking over must already have been deployed with at least the new live minimum: scale the idle
 * colour up first, deploy, then switch (Argo Rollouts' preview-before-promote rule). A first deploy, with
 * nothing deployed, is always allowed.
 *
 * @throws ValidationError naming the app's construct path and `<colour>ImageTag` or `liveColour`
 */
export function checkColourSwitches(root: IConstruct, deployed: DeployedManifests): void {
  for (const app of root.node.findAll().filter((c): c is BlueGreenApp => c instanceof BlueGreenApp)) {
    const namespace = Chart.of(app).namespace ?? '';
    const previous = deployedLiveColour(deployed, namespace, app.appName, app.colourLabel);
    if (previous !== undefined) {
      checkServingImage(app, deployed, namespace, previous);
    }
    if (previous === undefined || previous === app.liveColour) {
      continue;
    }
    const size = deployedSize(deployed, namespace, app.appName, app.liveColour);
    const needed = app.minimumReplicas(app.liveColour);
    if (size < needed) {
      throw new ValidationError(app.node.path, 'liveColour',
        `cannot switch from ${previous} to ${app.liveColour}: ${app.liveColour} is deployed with ${size} pod(s), `
        + `below the live minimum of ${needed}; first raise idleReplicas to at least ${needed} and deploy that, then switch`);
    }
  }
}
