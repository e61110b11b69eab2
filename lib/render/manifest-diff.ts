/** A Kubernetes object as read from YAML. */
export type Manifest = { [key: string]: unknown };

/** One field that differs between two versions of an object. */
export interface FieldChange {
  /** Dotted path below the object (`spec.selector.environment`; list items by index, or by `name`). */
  readonly path: string;

  /** Value before, `undefined` when the field was added. */
  readonly before: unknown;

  /** Value after, `undefined` when the field was removed. */
  readonly after: unknown;
}

/** How one object differs. */
export interface ObjectChange {
  /** `Kind namespace/name` (or `Kind name` for cluster-scoped objects). */
  readonly object: string;

  /** Whether the object was added, removed or changed. */
  readonly change: 'added' | 'removed' | 'changed';

  /** Field changes, for a changed object. */
  readonly fields: FieldChange[];
}

function objectId(m: Manifest): string {
  const meta = (m.metadata ?? {}) as { name?: string; namespace?: string };
  return `${String(m.kind)} ${meta.namespace !== undefined ? `${meta.namespace}/` : ''}${meta.name ?? '?'}`;
}

/** Whether every item of a list is an object with a unique `name` (containers, env, ports, volumes). */
function namedItems(list: unknown[]): boolean {
  const names = list.map((i) => (i !== null && typeof i === 'object' ? (i as { name?: unknown }).name : undefined));
  return names.every((n) => typeof n === 'string') && new Set(names).size === names.length;
}

function compare(before: unknown, after: unknown, path: string, out: FieldChange[]): void {
  if (Array.isArray(before) && Array.isArray(after) && namedItems(before) && namedItems(after)) {
    // Match list items by name, so inserting one env var reports one addition, not a shifted list.
    const index = (list: unknown[]) => new Map(list.map((i) => [(i as { name: string }).name, i]));
    const a = index(before);
    const b = index(after);
    for (const name of [...new Set([...a.keys(), ...b.keys()])]) {
      compare(a.get(name), b.get(name), `${path}[${name}]`, out);
    }
    return;
  }
  const isObject = (v: unknown) => v !== null && typeof v === 'object';
  if (isObject(before) && isObject(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before as object), ...Object.keys(after as object)])];
    for (const key of keys) {
      const child = Array.isArray(before) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`;
      compare((before as Record<string, unknown>)[key], (after as Record<string, unknown>)[key], child, out);
    }
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    out.push({ path, before, after });
  }
}

/**
 * Compares two sets of objects by kind, namespace and name: objects added, removed, and the fields that
 * changed in the others. Output order follows `after`, then removed objects in `before` order.
 */
export function diffManifests(before: readonly Manifest[], after: readonly Manifest[]): ObjectChange[] {
  const old = new Map(before.map((m) => [objectId(m), m]));
  const current = new Set(after.map(objectId));
  const changes: ObjectChange[] = [];
  for (const m of after) {
    const id = objectId(m);
    const previous = old.get(id);
    if (previous === undefined) {
      changes.push({ object: id, change: 'added', fields: [] });
      continue;
    }
    const fields: FieldChange[] = [];
    compare(previous, m, '', fields);
    if (fields.length > 0) {
      changes.push({ object: id, change: 'changed', fields });
    }
  }
  for (const m of before) {
    if (!current.has(objectId(m))) {
      changes.push({ object: objectId(m), change: 'removed', fields: [] });
    }
  }
  return changes;
}

function show(value: unknown): string {
  if (value === undefined) {
    return '(none)';
  }
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * Renders changes for a terminal (plain text) or a pull-request comment (Markdown), ending with a count
 * line: `3 objects changed: 0 added, 0 removed, 3 changed`.
 */
export function formatDiff(changes: readonly ObjectChange[], format: 'text' | 'markdown' = 'text'): string {
  const count = (c: ObjectChange['change']) => changes.filter((x) => x.change === c).length;
  const summary = `${changes.length} object(s) differ: ${count('added')} added, ${count('removed')} removed, ${count('changed')} changed`;
  if (changes.length === 0) {
    return 'no differences\n';
  }
  const lines: string[] = [];
  if (format === 'markdown') {
    lines.push(`**${summary}**`, '', '| object | change | field | before | after |', '| --- | --- | --- | --- | --- |');
    for (const c of changes) {
      if (c.fields.length === 0) {
        lines.push(`| \`${c.object}\` | ${c.change} | | | |`);
      }
      for (const f of c.fields) {
        lines.push(`| \`${c.object}\` | changed | \`${f.path}\` | \`${show(f.before).replace(/\|/g, '\\|')}\` | \`${show(f.after).replace(/\|/g, '\\|')}\` |`);
      }
    }
  } else {
    for (const c of changes) {
      const mark = c.change === 'added' ? '+' : c.change === 'removed' ? '-' : '~';
      lines.push(`${mark} ${c.object}`);
      for (const f of c.fields) {
        lines.push(`    ${f.path}: ${show(f.before)} -> ${show(f.after)}`);
      }
    }
    lines.push('', summary);
  }
  return lines.join('\n') + '\n';
}
