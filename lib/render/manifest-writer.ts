import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { ValidationError } from '../core/errors';
import { toYamlStream } from './yaml';

/** One synthesized manifest file. */
export interface ManifestFile {
  /** File name within its environment's folder (`web.k8s.yaml`). */
  readonly fileName: string;

  /** The objects, in the order they are applied. */
  readonly objects: Array<{ [key: string]: unknown }>;

  /** The YAML text. */
  readonly content: string;

  /**
   * Path of the construct that rendered each object, parallel to `objects` (the policy pass reports
   * findings by it).
   *
   * @default - unknown (files not produced by `renderCharts`)
   */
  readonly constructPaths?: readonly string[];
}

/** Path of the construct a user wrote: cdk8s-plus keeps its ApiObject in a child named `Resource`. */
function constructPath(obj: ApiObject): string {
  return obj.node.id === 'Resource' && obj.node.scope !== undefined ? obj.node.scope.node.path : obj.node.path;
}

/** Where-label of a tree root in messages: its path, or `app` for the App itself (whose path is empty). */
function rootLabel(root: IConstruct): string {
  return root.node.path === '' ? 'app' : root.node.path;
}

/** `WebTier` -> `web-tier`. */
function kebab(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/[^A-Za-z0-9]+/g, '-').toLowerCase();
}

/**
 * Renders every chart below `root` to YAML, one file per chart named after the chart id.
 *
 * Runs the validations constructs registered (`node.addValidation`) and rejects two objects of the same
 * kind, namespace and name: the second would silently replace the first when applied.
 *
 * @throws ValidationError listing every validation failure, each with its construct path
 */
export function renderCharts(root: IConstruct): ManifestFile[] {
  const constructs = root.node.findAll();
  const problems: Array<{ where: string; message: string }> = [];
  for (const construct of constructs) {
    for (const message of construct.node.validate()) {
      problems.push({ where: construct.node.path, message });
    }
  }
  if (problems.length === 1) {
    // One problem reads as any other mistake: `[path] field: problem`.
    const [{ where, message }] = problems;
    const colon = message.indexOf(': ');
    throw colon > 0 ? new ValidationError(where, message.slice(0, colon), message.slice(colon + 2)) : new ValidationError(where, 'validation', message);
  }
  if (problems.length > 1) {
    const lines = problems.map((p) => `[${p.where}] ${p.message}`);
    throw new ValidationError(rootLabel(root), 'validation', `${problems.length} problem(s):\n  ${lines.join('\n  ')}`);
  }

  const owners = new Map<string, string>();
  const apiObjects = constructs.filter((c): c is ApiObject => c instanceof ApiObject);
  for (const obj of apiObjects) {
    const key = `${apiGroup(obj.apiVersion)}/${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.name}`;
    const owner = owners.get(key);
    const path = constructPath(obj);
    if (owner !== undefined) {
      throw new ValidationError(path, 'metadata.name',
        `duplicate ${obj.kind} "${obj.metadata.namespace ? obj.metadata.namespace + '/' : ''}${obj.name}", already rendered by ${owner}`);
    }
    owners.set(key, path);
  }

  const charts = constructs.filter((c): c is Chart => Chart.isChart(c));
  const files = charts.map((chart) => {
    // cdk8s' own rendering: resolution, dependency order, JSON patches, exactly as `App.synth()` writes.
    const objects = chart.toJson() as Array<{ [key: string]: unknown }>;
    const constructPaths = attribute(chart, apiObjects, objects);
    return { fileName: `${kebab(chart.node.id)}.k8s.yaml`, objects, content: toYamlStream(objects), constructPaths };
  });
  const names = new Set<string>();
  for (const file of files) {
    if (names.has(file.fileName)) {
      throw new ValidationError(rootLabel(root), 'charts', `two charts render ${file.fileName}: give them distinct ids`);
    }
    names.add(file.fileName);
  }
  return files.sort((a, b) => (a.fileName < b.fileName ? -1 : 1));
}

function apiGroup(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : 'core';
}

/**
 * The construct path of each rendered object of a chart. Objects are matched by group, kind, namespace
 * and name (unique after the duplicate check); a JSON patch may have removed the namespace (a Namespace
 * object), so group, kind and name alone are the fallback.
 */
function attribute(chart: Chart, apiObjects: ApiObject[], objects: Array<{ [key: string]: unknown }>): string[] {
  const exact = new Map<string, string>();
  const loose = new Map<string, string[]>();
  for (const obj of apiObjects.filter((o) => Chart.of(o) === chart)) {
    const base = `${apiGroup(obj.apiVersion)}/${obj.kind}/${obj.name}`;
    exact.set(`${base}/${obj.metadata.namespace ?? ''}`, constructPath(obj));
    loose.set(base, [...(loose.get(base) ?? []), constructPath(obj)]);
  }
  return objects.map((o) => {
    const metadata = (o.metadata ?? {}) as { name?: string; namespace?: string };
    const base = `${apiGroup(String(o.apiVersion))}/${String(o.kind)}/${metadata.name ?? ''}`;
    const candidates = loose.get(base) ?? [];
    return exact.get(`${base}/${metadata.namespace ?? ''}`) ?? (candidates.length === 1 ? candidates[0] : chart.node.path);
  });
}

/** Prefix of the staging folders `writeFoldersAtomically` creates inside the output folder. */
export const STAGING_PREFIX = '.synth-';

/** Whether a process with that id runs (one of another user counts as running). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the staging folders of killed writes from `outdir`: `.synth-<pid>-*` whose process is gone, and
 * folders of the older `.synth-XXXXXX` form once they are ten minutes old. A folder a running write uses
 * is left alone.
 */
export function removeStaleStaging(outdir: string, now: number = Date.now()): string[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(outdir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const entry of entries.filter((e) => e.startsWith(STAGING_PREFIX))) {
    const full = path.join(outdir, entry);
    const pid = /^\.synth-(\d+)-/.exec(entry)?.[1];
    let stale: boolean;
    if (pid !== undefined) {
      stale = Number(pid) !== process.pid && !isRunning(Number(pid));
    } else {
      try {
        stale = now - fs.statSync(full).mtimeMs > 10 * 60 * 1000;
      } catch {
        stale = false;
      }
    }
    if (stale) {
      fs.rmSync(full, { recursive: true, force: true });
      removed.push(entry);
    }
  }
  return removed;
}

/**
 * Replaces `outdir/<folder>` for every folder in `folders` with exactly the given files, all or nothing.
 *
 * Everything is first written to a temporary folder inside `outdir` (same file system, so the final
 * renames are atomic), named after this process (`.synth-<pid>-XXXXXX`); only then is each old folder
 * swapped out. A failure while writing leaves every existing folder untouched. Staging folders of killed
 * writes are removed first ({@link removeStaleStaging}).
 */
export function writeFoldersAtomically(outdir: string, folders: ReadonlyMap<string, ManifestFile[]>): void {
  fs.mkdirSync(outdir, { recursive: true });
  removeStaleStaging(outdir);
  const staging = fs.mkdtempSync(path.join(outdir, `${STAGING_PREFIX}${process.pid}-`));
  try {
    for (const [folder, files] of folders) {
      const dir = path.join(staging, folder);
      fs.mkdirSync(dir, { recursive: true });
      for (const file of files) {
        fs.writeFileSync(path.join(dir, file.fileName), file.content);
      }
    }
    for (const folder of folders.keys()) {
      const target = path.join(outdir, folder);
      const retired = path.join(staging, `${folder}.previous`);
      if (fs.existsSync(target)) {
        fs.renameSync(target, retired);
      }
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.renameSync(path.join(staging, folder), target);
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
